package dev.realtime.server.webflux;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import dev.realtime.run.RunCancellation;
import dev.realtime.token.RealtimeTokens;
import dev.realtime.token.TokenClaims;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.util.Assert;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * Cancels runs for browsers: {@code POST {base}/runs/{runId}/cancel} with a token whose
 * {@code cancel} grant covers the run's channel (the token's channel: a token names one),
 * answering {@code 202 {"runId":…,"outcome":"cancelled"|"requested"}}: {@code cancelled}
 * when the run executed on this node and has been cancelled, {@code requested} when the
 * node executing it was asked to; its {@code cancelled} status follows on the channel
 * either way. A run that already ended is {@code 409}, an unknown one {@code 404}.
 *
 * @author Realtime team
 * @since 0.1.0
 */
public final class RealtimeCancelHandler {

	private final RealtimeTokens tokens;

	private final ClientCancelling cancelling;

	RealtimeCancelHandler(RealtimeTokens tokens, ClientCancelling cancelling) {
		Assert.notNull(tokens, "'tokens' must not be null");
		Assert.notNull(cancelling, "'cancelling' must not be null");
		this.tokens = tokens;
		this.cancelling = cancelling;
	}

	/**
	 * Handle a cancel request.
	 * @param request the request
	 * @return {@code 202} with the outcome, or a problem response
	 */
	public Mono<ServerResponse> handleRequest(ServerRequest request) {
		TokenClaims claims;
		try {
			// never from the URL: a POST can send the header
			claims = this.tokens.verify(RequestTokens.requireBearer(request));
		}
		catch (RuntimeException ex) {
			return RealtimeProblems.of(ex);
		}
		String runId = request.pathVariable("runId");
		return this.cancelling.cancel(claims, claims.channel(), runId)
			.flatMap((outcome) -> respond(claims.channel(), runId, outcome))
			.onErrorResume(RealtimeProblems::of);
	}

	private static Mono<ServerResponse> respond(String channel, String runId, RunCancellation outcome) {
		return switch (outcome) {
			case CANCELLED, REQUESTED -> ServerResponse.status(HttpStatus.ACCEPTED).bodyValue(accepted(runId, outcome));
			case ALREADY_ENDED -> RealtimeProblems.of(HttpStatus.CONFLICT, "Run '" + runId + "' has already ended");
			case UNKNOWN -> RealtimeProblems.of(HttpStatus.NOT_FOUND,
					"No run '" + runId + "' is known on channel '" + channel + "'");
		};
	}

	static Map<String, String> accepted(String runId, RunCancellation outcome) {
		Map<String, String> body = new LinkedHashMap<>();
		body.put("runId", runId);
		body.put("outcome", outcome(outcome));
		return body;
	}

	static String outcome(RunCancellation outcome) {
		return outcome.name().toLowerCase(Locale.ROOT);
	}

}
