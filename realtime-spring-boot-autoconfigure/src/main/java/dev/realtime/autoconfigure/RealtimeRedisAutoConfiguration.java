package dev.realtime.autoconfigure;

import java.time.Duration;

import dev.realtime.delivery.LocalFanOut;
import dev.realtime.engine.PresenceStore;
import dev.realtime.engine.RealtimeEngine;
import dev.realtime.engine.redis.RedisEngine;
import dev.realtime.engine.redis.RedisPresenceStore;
import dev.realtime.run.RunMemoStore;
import dev.realtime.run.redis.RedisRunMemoStore;
import dev.realtime.token.TicketStore;
import dev.realtime.token.redis.RedisTicketStore;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.log.LogMessage;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.connection.RedisStaticMasterReplicaConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.util.ClassUtils;

/**
 * Auto-configuration of the Redis engine, when {@code realtime.engine.type=redis}, on the
 * Redis of the application (configured through {@code spring.data.redis.*}).
 * <p>
 * The engine, its memo store and ticket store (and the run leases) use a
 * {@link RealtimeRedisConnection} of their own, derived from the application's Lettuce
 * connection factory, which itself stays as it is. The engine's client rejects commands
 * while it is disconnected instead of queueing them until it reconnects: a publish then
 * fails at once with a clear error rather than after
 * {@code realtime.engine.publish-timeout}, nothing piles up in memory while Redis is
 * down, and a publish reported as failed cannot be delivered later. It reconnects within
 * {@code realtime.engine.redis.reconnect-delay}, where Lettuce's default delays grow to
 * 30 seconds. On a connection factory that is not Lettuce's, the engine uses the
 * application's factory as it is.
 * <p>
 * Start-up fails with an explanation when the Redis engine is asked for but Spring Data
 * Redis or its connection factory is missing.
 *
 * @author Realtime team
 * @since 0.1.0
 */
@AutoConfiguration(before = RealtimeAutoConfiguration.class,
		afterName = { "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration",
				"org.springframework.boot.data.redis.autoconfigure.DataRedisReactiveAutoConfiguration" })
@ConditionalOnProperty(name = "realtime.engine.type", havingValue = "redis")
@EnableConfigurationProperties(RealtimeProperties.class)
public final class RealtimeRedisAutoConfiguration {

	private static final String ENGINE_TYPE = "realtime.engine.type";

	/**
	 * How long durable-step records of a run that never ended (its node died) are kept.
	 */
	private static final Duration UNFINISHED_RUN_TTL = Duration.ofDays(1);

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(ReactiveRedisConnectionFactory.class)
	static class RedisEngineConfiguration {

		private static final Log logger = LogFactory.getLog(RealtimeRedisAutoConfiguration.class);

		private static final boolean LETTUCE_PRESENT = ClassUtils.isPresent("io.lettuce.core.RedisClient",
				RedisEngineConfiguration.class.getClassLoader());

		@Bean
		@ConditionalOnMissingBean(RealtimeRedisConnection.class)
		RealtimeRedisConnection realtimeRedisConnection(
				ObjectProvider<ReactiveRedisConnectionFactory> connectionFactory,
				ObjectProvider<RedisStaticMasterReplicaConfiguration> masterReplicaConfiguration,
				Environment environment, RealtimeProperties properties) {
			ReactiveRedisConnectionFactory factory = connectionFactory.getIfUnique();
			if (factory == null) {
				throw new InvalidConfigurationPropertyValueException(ENGINE_TYPE, "redis",
						"The Redis engine needs a single ReactiveRedisConnectionFactory bean. Add "
								+ "spring-boot-starter-data-redis-reactive and configure spring.data.redis.*, "
								+ "or use realtime.engine.type=memory.");
			}
			boolean masterReplica = masterReplicaConfiguration.getIfAvailable() != null || Binder.get(environment)
				.bind("spring.data.redis.masterreplica.nodes", Bindable.listOf(String.class))
				.isBound();
			if (LETTUCE_PRESENT && !masterReplica && factory instanceof LettuceConnectionFactory lettuce) {
				return RealtimeRedisConnection.derivedFrom(lettuce,
						properties.getEngine().getRedis().getReconnectDelay());
			}
			logger.info(LogMessage.format("The realtime engine uses the application's Redis connection factory "
					+ "(%s) as it is, since it cannot derive one of its own from it%s: how soon the engine works "
					+ "again after Redis returns, and whether its publishes fail at once while Redis is unreachable, "
					+ "depend on that factory's client settings. Define a RealtimeRedisConnection bean to choose "
					+ "the engine's connection factory.", factory.getClass().getName(),
					masterReplica ? " (static master/replica)" : ""));
			return RealtimeRedisConnection.shared(factory);
		}

		@Bean
		@ConditionalOnMissingBean(RealtimeEngine.class)
		RedisEngine realtimeEngine(RealtimeRedisConnection connection, RealtimeProperties properties) {
			return new RedisEngine(connection.getConnectionFactory(), properties.getEngine().getRedis().getKeyPrefix(),
					properties.getHistory().getSize(), properties.getHistory().getTtl(),
					properties.getLimits().getSubscriberBuffer(), properties.getEngine().getPublishTimeout(),
					properties.getStreams().getMaxSize().toBytes(), properties.getStreams().getTtl());
		}

		@Bean
		@ConditionalOnMissingBean(RunMemoStore.class)
		RedisRunMemoStore realtimeRunMemoStore(RealtimeRedisConnection connection, RealtimeProperties properties) {
			return new RedisRunMemoStore(connection.getConnectionFactory(),
					properties.getEngine().getRedis().getKeyPrefix(), UNFINISHED_RUN_TTL);
		}

		@Bean
		@ConditionalOnMissingBean(PresenceStore.class)
		RedisPresenceStore realtimePresenceStore(RealtimeRedisConnection connection, LocalFanOut fanOut,
				RealtimeProperties properties) {
			RealtimeProperties.Presence presence = properties.getPresence();
			return new RedisPresenceStore(connection.getConnectionFactory(),
					properties.getEngine().getRedis().getKeyPrefix(), fanOut.nodeId(), presence.getTtl(),
					presence.getMaxMembers());
		}

		@Bean
		@ConditionalOnMissingBean(TicketStore.class)
		RedisTicketStore realtimeTicketStore(RealtimeRedisConnection connection, RealtimeProperties properties) {
			return new RedisTicketStore(connection.getConnectionFactory(),
					properties.getEngine().getRedis().getKeyPrefix());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnMissingClass("org.springframework.data.redis.connection.ReactiveRedisConnectionFactory")
	static class MissingRedisConfiguration {

		@Bean
		@ConditionalOnMissingBean
		RealtimeEngine realtimeEngine() {
			throw new InvalidConfigurationPropertyValueException(ENGINE_TYPE, "redis",
					"The Redis engine needs Spring Data Redis on the classpath. Add "
							+ "spring-boot-starter-data-redis-reactive, or use realtime.engine.type=memory.");
		}

	}

}
