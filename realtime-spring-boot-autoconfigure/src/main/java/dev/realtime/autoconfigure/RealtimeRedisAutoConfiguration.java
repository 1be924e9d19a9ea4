package dev.realtime.autoconfigure;

import java.time.Duration;

import dev.realtime.engine.RealtimeEngine;
import dev.realtime.engine.redis.RedisEngine;
import dev.realtime.run.RunMemoStore;
import dev.realtime.run.redis.RedisRunMemoStore;
import dev.realtime.token.TicketStore;
import dev.realtime.token.redis.RedisTicketStore;
import io.lettuce.core.ClientOptions;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.data.redis.autoconfigure.LettuceClientOptionsBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;

/**
 * Auto-configuration of the Redis engine, when {@code realtime.engine.type=redis}, on the
 * application's {@link ReactiveRedisConnectionFactory} (configured through
 * {@code spring.data.redis.*}).
 * <p>
 * It also makes the Lettuce client reject commands while it is disconnected instead of
 * queueing them until it reconnects: a publish then fails at once with a clear error
 * rather than after {@code realtime.engine.publish-timeout}, nothing piles up in memory
 * while Redis is down, and a publish reported as failed cannot be delivered later. This
 * applies to every use of the application's Redis client.
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

		@Bean
		@ConditionalOnMissingBean(RealtimeEngine.class)
		RedisEngine realtimeEngine(ObjectProvider<ReactiveRedisConnectionFactory> connectionFactory,
				RealtimeProperties properties) {
			ReactiveRedisConnectionFactory factory = connectionFactory.getIfUnique();
			if (factory == null) {
				throw new InvalidConfigurationPropertyValueException(ENGINE_TYPE, "redis",
						"The Redis engine needs a single ReactiveRedisConnectionFactory bean. Add "
								+ "spring-boot-starter-data-redis-reactive and configure spring.data.redis.*, "
								+ "or use realtime.engine.type=memory.");
			}
			return new RedisEngine(factory, properties.getEngine().getRedis().getKeyPrefix(),
					properties.getHistory().getSize(), properties.getHistory().getTtl(),
					properties.getLimits().getSubscriberBuffer(), properties.getEngine().getPublishTimeout());
		}

		@Bean
		@ConditionalOnMissingBean(RunMemoStore.class)
		RedisRunMemoStore realtimeRunMemoStore(ObjectProvider<ReactiveRedisConnectionFactory> connectionFactory,
				RealtimeProperties properties) {
			return new RedisRunMemoStore(connectionFactory.getObject(),
					properties.getEngine().getRedis().getKeyPrefix(), UNFINISHED_RUN_TTL);
		}

		@Bean
		@ConditionalOnMissingBean(TicketStore.class)
		RedisTicketStore realtimeTicketStore(ObjectProvider<ReactiveRedisConnectionFactory> connectionFactory,
				RealtimeProperties properties) {
			return new RedisTicketStore(connectionFactory.getObject(),
					properties.getEngine().getRedis().getKeyPrefix());
		}

		@Configuration(proxyBeanMethods = false)
		@ConditionalOnClass({ LettuceClientOptionsBuilderCustomizer.class, ClientOptions.class })
		static class LettuceConfiguration {

			@Bean
			LettuceClientOptionsBuilderCustomizer realtimeLettuceClientOptionsCustomizer() {
				return (options) -> options.disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS);
			}

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
