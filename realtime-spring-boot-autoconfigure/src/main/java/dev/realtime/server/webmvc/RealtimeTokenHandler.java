package dev.realtime.server.webmvc;

import dev.realtime.server.RealtimeHub;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

import org.springframework.util.Assert;
import org.springframework.web.servlet.function.ServerRequest;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * Mints subscription tokens: {@code POST {base}/token} with
 * {@code {"channel":…,"topics":[…],"publish":[…],"cancel":true}} ({@code publish} and
 * {@code cancel} optional), after the application's authorization rule for the channel
 * grants it (see {@link RealtimeHub#mintToken}). Runs behind the application's own
 * security, which authenticates the caller; the rule is evaluated asynchronously, so no
 * request thread waits for it.
 *
 * @author Realtime team
 * @since 0.1.0
 */
public final class RealtimeTokenHandler {

	private final RealtimeHub hub;

	/**
	 * Create a new handler.
	 * @param hub the hub
	 */
	public RealtimeTokenHandler(RealtimeHub hub) {
		Assert.notNull(hub, "'hub' must not be null");
		this.hub = hub;
	}

	/**
	 * Handle a token request.
	 * @param request the request
	 * @return the token, or a problem response
	 */
	public ServerResponse handleRequest(ServerRequest request) {
		JsonNode body;
		try {
			body = JsonBodies.read(request, this.hub.mapper(), this.hub.maxRequestSize());
		}
		catch (RuntimeException ex) {
			return ProblemResponses.of(ex);
		}
		return ServerResponse.async(this.hub.mintToken(body, request.principal().orElse(null))
			.map((token) -> ServerResponse.ok().body(token))
			.onErrorResume((ex) -> Mono.just(ProblemResponses.of(ex))));
	}

}
