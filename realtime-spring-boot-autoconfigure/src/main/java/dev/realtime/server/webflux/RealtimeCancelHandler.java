package dev.realtime.server.webflux;

import dev.realtime.server.RealtimeHub;
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

	private final RealtimeHub hub;

	/**
	 * Create a new handler.
	 * @param hub the hub, with runs enabled
	 */
	public RealtimeCancelHandler(RealtimeHub hub) {
		Assert.notNull(hub, "'hub' must not be null");
		Assert.isTrue(hub.isCancelEnabled(), "'hub' must have runs");
		this.hub = hub;
	}

	/**
	 * Handle a cancel request.
	 * @param request the request
	 * @return {@code 202} with the outcome, or a problem response
	 */
	public Mono<ServerResponse> handleRequest(ServerRequest request) {
		String token;
		try {
			// never from the URL: a POST can send the header
			token = RequestTokens.requireBearer(request);
		}
		catch (RuntimeException ex) {
			return ProblemResponses.of(ex);
		}
		return this.hub.cancel(token, request.pathVariable("runId"))
			.flatMap((answer) -> ServerResponse.status(HttpStatus.ACCEPTED).bodyValue(answer))
			.onErrorResume(ProblemResponses::of);
	}

}
