package dev.realtime.server.webmvc;

import dev.realtime.server.RealtimeHub;
import dev.realtime.token.TokenClaims;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

import org.springframework.http.HttpStatus;
import org.springframework.util.Assert;
import org.springframework.web.servlet.function.ServerRequest;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * Publishes for browsers: {@code POST {base}/publish} with
 * {@code {"channel":…,"topic":…,"data":…}} and a token whose {@code publish} grant names
 * the topic, answering {@code 202 {"id":…}} once the engine accepted the message (see
 * {@link RealtimeHub#publish}); no request thread waits for the engine.
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
	public ServerResponse handleRequest(ServerRequest request) {
		TokenClaims claims;
		JsonNode body;
		try {
			// the token first: a request without a valid one gets 401 before its body is
			// read
			claims = this.hub.verify(ServletRequests.token(request));
			body = JsonBodies.read(request, this.hub.mapper(), this.hub.maxPublishRequestSize());
		}
		catch (RuntimeException ex) {
			return ProblemResponses.of(ex);
		}
		return ServerResponse.async(this.hub.publish(claims, body)
			.map((answer) -> ServerResponse.status(HttpStatus.ACCEPTED).body(answer))
			.onErrorResume((ex) -> Mono.just(ProblemResponses.of(ex))));
	}

}
