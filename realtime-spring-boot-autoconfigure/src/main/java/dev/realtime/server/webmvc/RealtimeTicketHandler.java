package dev.realtime.server.webmvc;

import dev.realtime.server.RealtimeHub;
import reactor.core.publisher.Mono;

import org.springframework.http.MediaType;
import org.springframework.util.Assert;
import org.springframework.web.servlet.function.ServerRequest;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * Exchanges a subscription token for a stream ticket: {@code POST {base}/ticket} with
 * {@code Authorization: Bearer <token>} answers {@code {"ticket":…,"expiresAt":…}}. The
 * token is only ever read from the header here, and the body, if any, is ignored. The
 * ticket opens one stream with {@code GET {base}/sse?ticket=…}.
 *
 * @author Realtime team
 * @since 0.1.0
 */
public final class RealtimeTicketHandler {

	private final RealtimeHub hub;

	/**
	 * Create a new handler.
	 * @param hub the hub, with stream tickets enabled
	 */
	public RealtimeTicketHandler(RealtimeHub hub) {
		Assert.notNull(hub, "'hub' must not be null");
		Assert.isTrue(hub.isTicketEnabled(), "'hub' must have stream tickets");
		this.hub = hub;
	}

	/**
	 * Handle a ticket request.
	 * @param request the request
	 * @return the ticket, or a problem response
	 */
	public ServerResponse handleRequest(ServerRequest request) {
		String token;
		try {
			token = ServletRequests.bearerToken(request);
		}
		catch (RuntimeException ex) {
			return ProblemResponses.of(ex);
		}
		return ServerResponse.async(this.hub.issueTicket(token)
			.map((ticket) -> ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).body(ticket))
			.onErrorResume((ex) -> Mono.just(ProblemResponses.of(ex))));
	}

}
