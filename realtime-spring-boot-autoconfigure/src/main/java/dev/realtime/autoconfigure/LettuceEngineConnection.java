package dev.realtime.autoconfigure;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.event.DefaultEventPublisherOptions;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.connection.RedisClusterConfiguration;
import org.springframework.data.redis.connection.RedisSentinelConfiguration;
import org.springframework.data.redis.connection.RedisSocketConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration.LettuceClientConfigurationBuilder;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration.LettuceSslClientConfigurationBuilder;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.util.Assert;

/**
 * Derives the engine's own Lettuce connection factory from another one, kept apart from
 * {@link RealtimeRedisConnection} so that nothing loads Lettuce when it is not there.
 *
 * @author Realtime team
 */
final class LettuceEngineConnection {

	private LettuceEngineConnection() {
	}

	static RealtimeRedisConnection derive(LettuceConnectionFactory source, Duration reconnectDelay) {
		Assert.notNull(source, "'source' must not be null");
		Assert.notNull(reconnectDelay, "'reconnectDelay' must not be null");
		Assert.isTrue(reconnectDelay.toMillis() > 0, "'reconnectDelay' must be at least a millisecond");
		LettuceClientConfiguration sourceConfiguration = source.getClientConfiguration();
		ClientResources resources = clientResources(sourceConfiguration.getClientResources().orElse(null),
				reconnectDelay);
		LettuceClientConfiguration configuration = clientConfiguration(sourceConfiguration,
				source.getClusterConfiguration() != null, resources);
		LettuceConnectionFactory factory = connectionFactory(source, configuration);
		return new RealtimeRedisConnection(factory, true, () -> resources.shutdown(0,
				sourceConfiguration.getShutdownTimeout().toMillis(), TimeUnit.MILLISECONDS));
	}

	/**
	 * Client resources whose reconnect delay is short: Lettuce's default grows to 30 s,
	 * so that a client may wait seconds after Redis is back before it tries again.
	 * @param source the resources of the factory derived from, if it has any
	 * @param reconnectDelay the longest delay between two attempts
	 * @return resources to shut down with the engine's factory
	 */
	static ClientResources clientResources(@Nullable ClientResources source, Duration reconnectDelay) {
		ClientResources.Builder builder = ClientResources.builder();
		if (source != null) {
			// Given rather than mutated, so that they are shared: shutting these
			// resources down leaves the source's threads and timer running
			builder.eventLoopGroupProvider(source.eventLoopGroupProvider())
				.eventExecutorGroup(source.eventExecutorGroup())
				.timer(source.timer())
				.eventBus(source.eventBus())
				.commandLatencyRecorder(source.commandLatencyRecorder())
				// the source publishes the latencies it shares
				.commandLatencyPublisherOptions(DefaultEventPublisherOptions.disabled())
				.socketAddressResolver(source.socketAddressResolver())
				.addressResolverGroup(source.addressResolverGroup())
				.nettyCustomizer(source.nettyCustomizer())
				.tracing(source.tracing());
		}
		return builder.reconnectDelay(Delay.exponential(Duration.ZERO, reconnectDelay, 2, TimeUnit.MILLISECONDS))
			.build();
	}

	private static LettuceClientConfiguration clientConfiguration(LettuceClientConfiguration source, boolean cluster,
			ClientResources resources) {
		LettuceClientConfigurationBuilder builder = LettuceClientConfiguration.builder();
		if (source.isUseSsl()) {
			LettuceSslClientConfigurationBuilder ssl = builder.useSsl().verifyPeer(source.getVerifyMode());
			if (source.isStartTls()) {
				ssl.startTls();
			}
		}
		source.getClientName().ifPresent(builder::clientName);
		source.getReadFrom().ifPresent(builder::readFrom);
		source.getRedisCredentialsProviderFactory().ifPresent(builder::redisCredentialsProviderFactory);
		return builder.commandTimeout(source.getCommandTimeout())
			.shutdownTimeout(source.getShutdownTimeout())
			.shutdownQuietPeriod(source.getShutdownQuietPeriod())
			.clientOptions(clientOptions(source.getClientOptions(), cluster))
			.clientResources(resources)
			.build();
	}

	// The source's client options, rejecting commands while disconnected: a publish then
	// fails at once rather than after the publish timeout, nothing piles up while Redis
	// is
	// down, and a publish reported as failed cannot be delivered later
	private static ClientOptions clientOptions(Optional<ClientOptions> source, boolean cluster) {
		ClientOptions.Builder builder = source.map(ClientOptions::mutate)
			.orElseGet(() -> cluster ? ClusterClientOptions.builder() : ClientOptions.builder());
		return builder.autoReconnect(true)
			.disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
			.build();
	}

	private static LettuceConnectionFactory connectionFactory(LettuceConnectionFactory source,
			LettuceClientConfiguration configuration) {
		RedisClusterConfiguration cluster = source.getClusterConfiguration();
		if (cluster != null) {
			return new LettuceConnectionFactory(cluster, configuration);
		}
		RedisSentinelConfiguration sentinel = source.getSentinelConfiguration();
		if (sentinel != null) {
			return new LettuceConnectionFactory(sentinel, configuration);
		}
		RedisSocketConfiguration socket = source.getSocketConfiguration();
		if (socket != null) {
			return new LettuceConnectionFactory(socket, configuration);
		}
		return new LettuceConnectionFactory(source.getStandaloneConfiguration(), configuration);
	}

}
