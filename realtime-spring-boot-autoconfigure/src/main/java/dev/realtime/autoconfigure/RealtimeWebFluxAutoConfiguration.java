package dev.realtime.autoconfigure;

import java.util.Map;

import dev.realtime.server.RealtimeHub;
import dev.realtime.server.webflux.RealtimeCancelHandler;
import dev.realtime.server.webflux.RealtimeClientHandler;
import dev.realtime.server.webflux.RealtimePresenceHandler;
import dev.realtime.server.webflux.RealtimePublishHandler;
import dev.realtime.server.webflux.RealtimeServerEndpoints;
import dev.realtime.server.webflux.RealtimeSseHandler;
import dev.realtime.server.webflux.RealtimeTicketHandler;
import dev.realtime.server.webflux.RealtimeTokenHandler;
import dev.realtime.server.webflux.RealtimeWebSocketHandler;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.webflux.autoconfigure.WebFluxAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.reactive.handler.SimpleUrlHandlerMapping;
import org.springframework.web.server.WebHandler;

/**
 * Auto-configuration of the realtime endpoints of a WebFlux application: token minting,
 * Server-Sent Events, WebSocket, client publishing, run cancelling, presence and the
 * browser client modules, all under {@code realtime.base-path}, on the
 * {@link RealtimeHub}. Each handler backs off when the application defines its own.
 *
 * @author Realtime team
 * @since 0.1.0
 */
@AutoConfiguration(after = { RealtimeServerAutoConfiguration.class, WebFluxAutoConfiguration.class })
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
@ConditionalOnClass(RouterFunction.class)
@ConditionalOnBean(RealtimeHub.class)
public final class RealtimeWebFluxAutoConfiguration {

	/**
	 * The order of the realtime routes among the application's router functions: first,
	 * so that a catch-all route of the application does not shadow them.
	 */
	public static final int ROUTER_ORDER = 0;

	@Bean
	@ConditionalOnMissingBean
	RealtimeTokenHandler realtimeTokenHandler(RealtimeHub hub) {
		return new RealtimeTokenHandler(hub);
	}

	@Bean
	@ConditionalOnMissingBean
	RealtimeSseHandler realtimeSseHandler(RealtimeHub hub, RealtimeProperties properties) {
		return new RealtimeSseHandler(hub, properties.getWebflux().isNettyFastPath());
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
	RealtimeWebSocketHandler realtimeWebSocketHandler(RealtimeHub hub, RealtimeProperties properties) {
		return new RealtimeWebSocketHandler(hub, properties.getWebflux().isNettyFastPath());
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
	@ConditionalOnProperty(name = "realtime.websocket.enabled", matchIfMissing = true)
	static class WebSocketConfiguration {

		@Bean
		HandlerMapping realtimeWebSocketHandlerMapping(RealtimeServerEndpoints endpoints,
				RealtimeProperties properties) {
			WebHandler handler = endpoints.webSocketEndpoint(properties.getWebsocket().getAllowedOrigins());
			SimpleUrlHandlerMapping mapping = new SimpleUrlHandlerMapping(
					Map.of(properties.getBasePath() + "/ws", handler));
			mapping.setOrder(-2);
			return mapping;
		}

	}

}
