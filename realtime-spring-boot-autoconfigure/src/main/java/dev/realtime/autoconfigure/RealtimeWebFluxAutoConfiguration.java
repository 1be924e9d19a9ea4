package dev.realtime.autoconfigure;

import java.time.Clock;
import java.util.Map;

import dev.realtime.ChannelCatalog;
import dev.realtime.engine.RealtimeEngine;
import dev.realtime.run.RealtimeRuns;
import dev.realtime.server.webflux.RealtimeServerEndpoints;
import dev.realtime.server.webflux.ShutdownSignal;
import dev.realtime.support.PayloadCodec;
import dev.realtime.support.RealtimeTemplate;
import dev.realtime.token.ChannelAuthorization;
import dev.realtime.token.RealtimeTokens;
import dev.realtime.token.StreamTickets;
import tools.jackson.databind.json.JsonMapper;

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
import org.springframework.core.io.ResourceLoader;
import org.springframework.util.unit.DataSize;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.reactive.handler.SimpleUrlHandlerMapping;
import org.springframework.web.server.WebHandler;

/**
 * Auto-configuration of the realtime WebFlux endpoints: token minting, Server-Sent
 * Events, WebSocket, client publishing, run cancelling and the browser client modules,
 * all under {@code realtime.base-path}.
 *
 * @author Realtime team
 * @since 0.1.0
 */
@AutoConfiguration(after = { RealtimeAutoConfiguration.class, RealtimeRunsAutoConfiguration.class,
		WebFluxAutoConfiguration.class })
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
@ConditionalOnClass(RouterFunction.class)
@ConditionalOnBean({ RealtimeEngine.class, RealtimeTokens.class })
public final class RealtimeWebFluxAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	ShutdownSignal realtimeShutdownSignal() {
		return new ShutdownSignal();
	}

	@Bean
	@ConditionalOnMissingBean
	RealtimeServerEndpoints realtimeServerEndpoints(RealtimeEngine engine, RealtimeTokens tokens,
			ChannelCatalog catalog, ChannelAuthorization authorization, PayloadCodec codec, RealtimeTemplate template,
			JsonMapper jsonMapper, ShutdownSignal shutdown, RealtimeProperties properties,
			ResourceLoader resourceLoader, ObjectProvider<StreamTickets> tickets, ObjectProvider<RealtimeRuns> runs) {
		return RealtimeServerEndpoints.builder(engine, tokens, catalog, template)
			.authorization(authorization)
			.tickets(tickets.getIfAvailable())
			.runs(runs.getIfAvailable())
			.codec(codec)
			.jsonMapper(jsonMapper)
			.shutdownSignal(shutdown)
			.sseKeepAlive(properties.getSse().getKeepAlive())
			.sseRetry(properties.getSse().getRetry())
			.webSocketKeepAlive(properties.getWebsocket().getKeepAlive())
			.subscriptionsPerConnection(properties.getLimits().getSubscriptionsPerConnection())
			.streamsPerToken(properties.getLimits().getStreamsPerToken())
			.connectionsPerPrincipal(properties.getLimits().getConnectionsPerPrincipal())
			.maxRequestSize(bytes(properties.getLimits().getMaxRequestSize()))
			.maxMessageSize(bytes(properties.getLimits().getMaxMessageSize()))
			.subscriberBuffer(properties.getLimits().getSubscriberBuffer())
			.writeTimeout(properties.getLimits().getWriteTimeout())
			.classLoader(resourceLoader.getClassLoader())
			.clock(Clock.systemUTC())
			.build();
	}

	private static int bytes(DataSize size) {
		return Math.toIntExact(size.toBytes());
	}

	@Bean
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
