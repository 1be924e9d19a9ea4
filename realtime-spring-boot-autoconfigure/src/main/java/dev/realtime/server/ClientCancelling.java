package dev.realtime.server;

import java.time.Duration;
import java.util.concurrent.TimeoutException;

import dev.realtime.Channel;
import dev.realtime.ChannelCatalog;
import dev.realtime.ChannelTemplate;
import dev.realtime.InvalidChannelException;
import dev.realtime.RealtimeException;
import dev.realtime.run.RealtimeRuns;
import dev.realtime.run.RunCancellation;
import dev.realtime.token.TokenClaims;
import reactor.core.publisher.Mono;

/**
 * Cancels runs for browsers after checking the token's cancel grant, shared by the HTTP
 * and WebSocket endpoints. A token names one channel, so it can cancel only the runs of
 * that channel; whichever node executes the run, {@link RealtimeRuns#cancel} reaches it.
 *
 * @author Realtime team
 */
final class ClientCancelling {

	// a cancel is one engine round trip; a client that waits longer should try again
	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	private final ChannelCatalog catalog;

	private final RealtimeRuns runs;

	ClientCancelling(ChannelCatalog catalog, RealtimeRuns runs) {
		this.catalog = catalog;
		this.runs = runs;
	}

	/**
	 * Cancel a run of the token's channel.
	 * @param claims the client's token
	 * @param channelName the channel the client names
	 * @param runId the run id
	 * @return what the cancel found; a {@link ForbiddenException} without the grant, an
	 * {@link IllegalArgumentException} for a malformed run id, an
	 * {@link UnavailableException} when the engine cannot be asked now
	 */
	Mono<RunCancellation> cancel(TokenClaims claims, String channelName, String runId) {
		return Mono.defer(() -> {
			if (!claims.cancel() || !claims.channel().equals(channelName)) {
				throw new ForbiddenException("Token does not grant cancelling runs of channel '" + channelName + "'");
			}
			checkRunId(runId);
			Channel channel = this.catalog.resolve(channelName);
			return this.runs.cancel(channel, runId)
				.timeout(TIMEOUT)
				.onErrorMap((ex) -> !(ex instanceof RealtimeException),
						(ex) -> new UnavailableException("Could not cancel run '" + runId + "' now: "
								+ ((ex instanceof TimeoutException) ? "timed out" : ex.getMessage()), ex));
		});
	}

	private static void checkRunId(String runId) {
		try {
			ChannelTemplate.checkValue("runId", runId);
		}
		catch (InvalidChannelException ex) {
			throw new IllegalArgumentException(
					"Malformed run id: use 1 to 128 letters, digits or . _ ~ @ + = - (the id the run was started with)");
		}
	}

}
