package dev.realtime.server.webflux;

import dev.realtime.server.RealtimeHub;
import dev.realtime.token.TokenClaims;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.util.Assert;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * Publishes for browsers: {@code POST {base}/publish} with
 * {@code {"channel":…,"topic":…,"data":…}} and a token whose {@code publish} grant names
 * the topic, answering {@code 202 {"id":…}} once the engine accepted the message (see
 * {@link RealtimeHub#publish}).
 *
 * @author Realtime team
 * @since 0.1.0
 */
public final class RealtimePublishHandler {

	private final RealtimeHub hub;

	/**
	 * Create a new handler.
	 * @param hub the hub
	 */
	public RealtimePublishHandler(RealtimeHub hub) {
		Assert.notNull(hub, "'hub' must not be null");
		this.hub = hub;
	}

	/**
	 * Handle a publish request.
	 * @param request the request
	 * @return {@code 202} with the message id, or a problem response
	 */
	public Mono<ServerResponse> handleRequest(ServerRequest request) {
		TokenClaims claims;
		try {
			claims = this.hub.verify(RequestTokens.require(request));
		}
		catch (RuntimeException ex) {
			return ProblemResponses.of(ex);
		}
		return JsonBodies.read(request, this.hub.mapper(), this.hub.maxPublishRequestSize())
			.flatMap((body) -> this.hub.publish(claims, body))
			.flatMap((answer) -> ServerResponse.status(HttpStatus.ACCEPTED).bodyValue(answer))
			.onErrorResume(ProblemResponses::of);
	}

}
