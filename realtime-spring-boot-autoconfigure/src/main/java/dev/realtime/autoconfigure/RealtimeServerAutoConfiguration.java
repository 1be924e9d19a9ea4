package dev.realtime.autoconfigure;

import java.time.Clock;

import dev.realtime.ChannelCatalog;
import dev.realtime.delivery.LocalFanOut;
import dev.realtime.engine.RealtimeEngine;
import dev.realtime.presence.PresenceTracker;
import dev.realtime.run.RealtimeRuns;
import dev.realtime.server.RealtimeHub;
import dev.realtime.server.ShutdownSignal;
import dev.realtime.support.PayloadCodec;
import dev.realtime.support.RealtimeTemplate;
import dev.realtime.token.ChannelAuthorization;
import dev.realtime.token.PresenceInfoResolver;
import dev.realtime.token.RealtimeTokens;
import dev.realtime.token.StreamTickets;
import io.micrometer.observation.ObservationRegistry;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.core.io.ResourceLoader;
import org.springframework.util.unit.DataSize;

/**
 * Auto-configuration of the {@link RealtimeHub}, the transport-neutral core of the
 * realtime endpoints that every web stack's endpoints run on.
 *
 * @author Realtime team
 * @since 0.1.0
 */
@AutoConfiguration(after = { RealtimeAutoConfiguration.class, RealtimeRunsAutoConfiguration.class })
@ConditionalOnWebApplication
@ConditionalOnBean({ RealtimeEngine.class, LocalFanOut.class, RealtimeTokens.class })
public final class RealtimeServerAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	ShutdownSignal realtimeShutdownSignal() {
		return new ShutdownSignal();
	}

	@Bean
	@ConditionalOnMissingBean
	RealtimeHub realtimeHub(LocalFanOut fanOut, RealtimeTokens tokens, ChannelCatalog catalog,
			ChannelAuthorization authorization, PayloadCodec codec, RealtimeTemplate template, JsonMapper jsonMapper,
			ShutdownSignal shutdown, RealtimeProperties properties, ResourceLoader resourceLoader,
			ObjectProvider<StreamTickets> tickets, ObjectProvider<RealtimeRuns> runs,
			ObjectProvider<ObservationRegistry> observationRegistry, ObjectProvider<PresenceTracker> presence,
			ObjectProvider<PresenceInfoResolver> presenceInfo) {
		RealtimeHub.Builder builder = RealtimeHub.builder(fanOut, tokens, catalog, template);
		presenceInfo.ifAvailable(builder::presenceInfo);
		return builder.authorization(authorization)
			.tickets(tickets.getIfAvailable())
			.runs(runs.getIfAvailable())
			.presence(presence.getIfAvailable())
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
			.classLoader(resourceLoader.getClassLoader())
			.clock(Clock.systemUTC())
			.observationRegistry(observationRegistry.getIfUnique(() -> ObservationRegistry.NOOP))
			.build();
	}

	private static int bytes(DataSize size) {
		return Math.toIntExact(size.toBytes());
	}

}
