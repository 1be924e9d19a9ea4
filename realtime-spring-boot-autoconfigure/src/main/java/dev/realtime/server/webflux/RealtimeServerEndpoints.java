package dev.realtime.server.webflux;

import java.util.List;

import dev.realtime.server.RealtimeHub;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.util.Assert;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.server.WebHandler;

/**
 * The realtime endpoints of one WebFlux application over a {@link RealtimeHub}, exposed
 * as a {@link RouterFunction} for the HTTP endpoints and a {@link WebHandler} for the
 * WebSocket endpoint.
 *
 * @author Realtime team
 * @since 0.1.0
 */
public final class RealtimeServerEndpoints {

	private final RealtimeTokenHandler tokenHandler;

	private final RealtimeSseHandler sseHandler;

	private final @Nullable RealtimeTicketHandler ticketHandler;

	private final RealtimePublishHandler publishHandler;

	private final @Nullable RealtimeCancelHandler cancelHandler;

	private final @Nullable RealtimePresenceHandler presenceHandler;

	private final RealtimeClientHandler clientHandler;

	private final RealtimeWebSocketHandler webSocketHandler;

	/**
	 * Create the endpoints of a hub, writing straight to Reactor Netty connections when
	 * the application runs on Reactor Netty.
	 * @param hub the hub
	 */
	public RealtimeServerEndpoints(RealtimeHub hub) {
		this(new RealtimeTokenHandler(hub), new RealtimeSseHandler(hub),
				hub.isTicketEnabled() ? new RealtimeTicketHandler(hub) : null, new RealtimePublishHandler(hub),
				hub.isCancelEnabled() ? new RealtimeCancelHandler(hub) : null,
				hub.isPresenceEnabled() ? new RealtimePresenceHandler(hub) : null, new RealtimeClientHandler(hub),
				new RealtimeWebSocketHandler(hub));
	}

	/**
	 * Create the endpoints of the given handlers.
	 * @param tokenHandler the token endpoint
	 * @param sseHandler the Server-Sent Events endpoint
	 * @param ticketHandler the ticket endpoint, or {@code null} without stream tickets
	 * @param publishHandler the client publish endpoint
	 * @param cancelHandler the run cancel endpoint, or {@code null} without runs
	 * @param presenceHandler the presence endpoint, or {@code null} without presence
	 * @param clientHandler the browser client modules
	 * @param webSocketHandler the WebSocket protocol
	 */
	public RealtimeServerEndpoints(RealtimeTokenHandler tokenHandler, RealtimeSseHandler sseHandler,
			@Nullable RealtimeTicketHandler ticketHandler, RealtimePublishHandler publishHandler,
			@Nullable RealtimeCancelHandler cancelHandler, @Nullable RealtimePresenceHandler presenceHandler,
			RealtimeClientHandler clientHandler, RealtimeWebSocketHandler webSocketHandler) {
		Assert.notNull(tokenHandler, "'tokenHandler' must not be null");
		Assert.notNull(sseHandler, "'sseHandler' must not be null");
		Assert.notNull(publishHandler, "'publishHandler' must not be null");
		Assert.notNull(clientHandler, "'clientHandler' must not be null");
		Assert.notNull(webSocketHandler, "'webSocketHandler' must not be null");
		this.tokenHandler = tokenHandler;
		this.sseHandler = sseHandler;
		this.ticketHandler = ticketHandler;
		this.publishHandler = publishHandler;
		this.cancelHandler = cancelHandler;
		this.presenceHandler = presenceHandler;
		this.clientHandler = clientHandler;
		this.webSocketHandler = webSocketHandler;
	}

	/**
	 * Return the routes of the HTTP endpoints.
	 * @param basePath the path under which the endpoints are served, e.g.
	 * {@code /realtime}
	 * @param token whether to route the token endpoint
	 * @param sse whether to route the Server-Sent Events endpoint (and the ticket
	 * endpoint, when tickets are enabled)
	 * @param publish whether to route the client publish endpoint
	 * @param client whether to route the browser client modules
	 * @return the routes, with the run cancel endpoint when runs are enabled and the
	 * presence endpoint when presence is
	 */
	public RouterFunction<ServerResponse> routerFunction(String basePath, boolean token, boolean sse, boolean publish,
			boolean client) {
		RouterFunctions.Builder routes = RouterFunctions.route();
		// a builder with no route cannot build: with every endpoint off, route nothing
		routes.route((request) -> false, (request) -> ServerResponse.notFound().build());
		if (token) {
			routes.POST(basePath + "/token", this.tokenHandler::handleRequest);
		}
		if (sse) {
			// no Accept predicate: it would parse the header into media types that the
			// request keeps for as long as the stream is open
			routes.GET(basePath + "/sse", this.sseHandler::handleRequest);
			if (this.ticketHandler != null) {
				routes.POST(basePath + "/ticket", this.ticketHandler::handleRequest);
			}
		}
		if (publish) {
			routes.POST(basePath + "/publish", this.publishHandler::handleRequest);
		}
		if (this.cancelHandler != null) {
			routes.POST(basePath + "/runs/{runId}/cancel", this.cancelHandler::handleRequest);
		}
		if (this.presenceHandler != null) {
			routes.GET(basePath + "/presence", this.presenceHandler::handleRequest);
		}
		if (client) {
			routes.GET(basePath + "/{asset:client\\.js|react\\.js|channels\\.d\\.ts}",
					this.clientHandler::handleRequest);
		}
		return routes.build();
	}

	/**
	 * Return the WebSocket endpoint: checks the handshake's origin, then runs the
	 * realtime protocol.
	 * @param allowedOrigins origins allowed besides the same origin; {@code "*"} for any
	 * @return the endpoint
	 */
	public WebHandler webSocketEndpoint(List<String> allowedOrigins) {
		RealtimeWebSocketService service = new RealtimeWebSocketService(allowedOrigins);
		return (exchange) -> this.webSocketHandler.onEventLoop(exchange,
				Mono.defer(() -> service.handleRequest(exchange, this.webSocketHandler.handlerFor(exchange))));
	}

}
