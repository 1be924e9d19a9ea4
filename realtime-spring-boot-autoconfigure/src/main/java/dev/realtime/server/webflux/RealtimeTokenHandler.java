package dev.realtime.server.webflux;

import java.security.Principal;
import java.util.Optional;

import dev.realtime.server.RealtimeHub;
import reactor.core.publisher.Mono;

import org.springframework.util.Assert;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * Mints subscription tokens: {@code POST {base}/token} with
 * {@code {"channel":…,"topics":[…],"publish":[…],"cancel":true}} ({@code publish} and
 * {@code cancel} optional), after the application's authorization rule for the channel
 * grants it (see {@link RealtimeHub#mintToken}). Runs behind the application's own
 * security, which authenticates the caller.
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
	public Mono<ServerResponse> handleRequest(ServerRequest request) {
		return JsonBodies.read(request, this.hub.mapper(), this.hub.maxRequestSize())
			.zipWith(request.principal().map(Optional::<Principal>of).defaultIfEmpty(Optional.empty()))
			.flatMap((body) -> this.hub.mintToken(body.getT1(), body.getT2().orElse(null)))
			.flatMap((token) -> ServerResponse.ok().bodyValue(token))
			.onErrorResume(ProblemResponses::of);
	}

}
