package dev.realtime.autoconfigure;

import dev.realtime.server.RealtimeHub;
import dev.realtime.server.webmvc.RealtimeCancelHandler;
import dev.realtime.server.webmvc.RealtimeClientHandler;
import dev.realtime.server.webmvc.RealtimePresenceHandler;
import dev.realtime.server.webmvc.RealtimePublishHandler;
import dev.realtime.server.webmvc.RealtimeServerEndpoints;
import dev.realtime.server.webmvc.RealtimeSseHandler;
import dev.realtime.server.webmvc.RealtimeTicketHandler;
import dev.realtime.server.webmvc.RealtimeTokenHandler;
import dev.realtime.server.webmvc.RealtimeWebSocketHandler;
import jakarta.websocket.server.ServerContainer;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.web.servlet.DispatcherServlet;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.ServerResponse;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.server.support.WebSocketHandlerMapping;

/**
 * Auto-configuration of the realtime endpoints of a Spring MVC application: token
 * minting, Server-Sent Events on async Servlet, WebSocket through Spring's servlet
 * WebSocket support, client publishing, run cancelling, presence and the browser client
 * modules, all under {@code realtime.base-path}, on the {@link RealtimeHub}, byte for
 * byte the wire contract the WebFlux endpoints serve. Each handler backs off when the
 * application defines its own.
 *
 * @author Realtime team
 * @since 0.1.0
 */
@AutoConfiguration(after = { RealtimeServerAutoConfiguration.class, WebMvcAutoConfiguration.class })
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({ DispatcherServlet.class, RouterFunction.class })
@ConditionalOnBean(RealtimeHub.class)
public final class RealtimeWebMvcAutoConfiguration {

	/**
	 * The order of the realtime routes among the application's router functions: first,
	 * so that a catch-all route of the application does not shadow them.
	 */
	public static final int ROUTER_ORDER = 0;

	/**
	 * The order of the WebSocket endpoint's handler mapping: ahead of the application's
	 * mappings, as WebSocket handshakes are matched by path alone.
	 */
	public static final int WEB_SOCKET_MAPPING_ORDER = -2;

	@Bean
	@ConditionalOnMissingBean
	RealtimeTokenHandler realtimeTokenHandler(RealtimeHub hub) {
		return new RealtimeTokenHandler(hub);
	}

	@Bean
	@ConditionalOnMissingBean
	RealtimeSseHandler realtimeSseHandler(RealtimeHub hub) {
		return new RealtimeSseHandler(hub);
	}

	@Bean
	@ConditionalOnMissingBean
	RealtimePublishHandler realtimePublishHandler(RealtimeHub hub) {
		return new RealtimePublishHandler(hub);
	}

	@Bean
	@ConditionalOnMissingBean
	RealtimeClientHandler realtimeClientHandler(RealtimeHub hub) {
		return new RealtimeClientHandler(hub);
	}

	@Bean
	@ConditionalOnMissingBean
	RealtimeWebSocketHandler realtimeWebSocketHandler(RealtimeHub hub) {
		return new RealtimeWebSocketHandler(hub);
	}

	@Bean
	@ConditionalOnMissingBean
	RealtimeServerEndpoints realtimeServerEndpoints(RealtimeHub hub, RealtimeTokenHandler tokenHandler,
			RealtimeSseHandler sseHandler, RealtimePublishHandler publishHandler, RealtimeClientHandler clientHandler,
			RealtimeWebSocketHandler webSocketHandler, ObjectProvider<RealtimeTicketHandler> ticketHandler,
			ObjectProvider<RealtimeCancelHandler> cancelHandler,
			ObjectProvider<RealtimePresenceHandler> presenceHandler) {
		RealtimeTicketHandler tickets = ticketHandler
			.getIfAvailable(() -> hub.isTicketEnabled() ? new RealtimeTicketHandler(hub) : null);
		RealtimeCancelHandler cancel = cancelHandler
			.getIfAvailable(() -> hub.isCancelEnabled() ? new RealtimeCancelHandler(hub) : null);
		RealtimePresenceHandler presence = presenceHandler
			.getIfAvailable(() -> hub.isPresenceEnabled() ? new RealtimePresenceHandler(hub) : null);
		return new RealtimeServerEndpoints(tokenHandler, sseHandler, tickets, publishHandler, cancel, presence,
				clientHandler, webSocketHandler);
	}

	@Bean
	@Order(ROUTER_ORDER)
	RouterFunction<ServerResponse> realtimeRouterFunction(RealtimeServerEndpoints endpoints,
			RealtimeProperties properties) {
		return endpoints.routerFunction(properties.getBasePath(), properties.getToken().isEndpointEnabled(),
				properties.getSse().isEnabled(), properties.getPublish().isEnabled(),
				properties.getClient().isEnabled());
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ WebSocketHandler.class, ServerContainer.class })
	@ConditionalOnProperty(name = "realtime.websocket.enabled", matchIfMissing = true)
	static class WebSocketConfiguration {

		@Bean
		WebSocketHandlerMapping realtimeWebSocketHandlerMapping(RealtimeServerEndpoints endpoints,
				RealtimeProperties properties) {
			return endpoints.webSocketHandlerMapping(properties.getBasePath() + "/ws",
					properties.getWebsocket().getAllowedOrigins(), WEB_SOCKET_MAPPING_ORDER);
		}

	}

}
