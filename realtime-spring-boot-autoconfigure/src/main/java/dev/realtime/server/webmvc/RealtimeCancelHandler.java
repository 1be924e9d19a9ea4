package dev.realtime.server.webmvc;

import dev.realtime.server.RealtimeHub;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.util.Assert;
import org.springframework.web.servlet.function.ServerRequest;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * Cancels runs for browsers: {@code POST {base}/runs/{runId}/cancel} with a token whose
 * {@code cancel} grant covers the run's channel, answering {@code 202
 * {"runId":…,"outcome":"cancelled"|"requested"}}; a run that already ended is
 * {@code 409}, an unknown one {@code 404} (see {@link RealtimeHub#cancel}).
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
	public ServerResponse handleRequest(ServerRequest request) {
		String token;
		try {
			// never from the URL: a POST can send the header
			token = ServletRequests.bearerToken(request);
		}
		catch (RuntimeException ex) {
			return ProblemResponses.of(ex);
		}
		return ServerResponse.async(this.hub.cancel(token, request.pathVariable("runId"))
			.map((answer) -> ServerResponse.status(HttpStatus.ACCEPTED).body(answer))
			.onErrorResume((ex) -> Mono.just(ProblemResponses.of(ex))));
	}

}
