package dev.realtime.server.webflux;

import dev.realtime.server.RealtimeHub;
import reactor.core.publisher.Mono;

import org.springframework.util.Assert;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * Tells browsers who is subscribed to a channel: {@code GET {base}/presence?channel=…}
 * with a token that grants presence on that channel, answering {@code 200
 * {"channel","count","members":[{"user","info"}]}} (see
 * {@link RealtimeHub#presence(String, String)}).
 *
 * @author Realtime team
 * @since 0.1.0
 */
public final class RealtimePresenceHandler {

	private final RealtimeHub hub;

	/**
	 * Create a new handler.
	 * @param hub the hub, with presence enabled
	 */
	public RealtimePresenceHandler(RealtimeHub hub) {
		Assert.notNull(hub, "'hub' must not be null");
		Assert.isTrue(hub.isPresenceEnabled(), "'hub' must have presence");
		this.hub = hub;
	}

	/**
	 * Handle a presence request.
	 * @param request the request
	 * @return {@code 200} with the members, or a problem response
	 */
	public Mono<ServerResponse> handleRequest(ServerRequest request) {
		String token;
		String channel;
		try {
			// the header only, so that tokens stay out of access logs
			token = RequestTokens.requireBearer(request);
			channel = QueryParameters.first(request, "channel");
			if (channel == null || channel.isEmpty()) {
				throw new IllegalArgumentException("Query parameter 'channel' is required");
			}
		}
		catch (RuntimeException ex) {
			return ProblemResponses.of(ex);
		}
		return this.hub.presence(token, channel)
			.flatMap((presence) -> ServerResponse.ok().bodyValue(presence))
			.onErrorResume(ProblemResponses::of);
	}

}
