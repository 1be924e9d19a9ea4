package dev.realtime.engine.redis;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;

import dev.realtime.MessageKind;
import dev.realtime.autoconfigure.RealtimeAutoConfiguration;
import dev.realtime.autoconfigure.RealtimeRedisAutoConfiguration;
import dev.realtime.catalog.DefaultChannelCatalog;
import dev.realtime.engine.EngineMessage;
import dev.realtime.engine.PublishRequest;
import dev.realtime.engine.RealtimeEngine;
import dev.realtime.engine.memory.InMemoryEngine;
import dev.realtime.support.RealtimeTemplate;
import io.lettuce.core.ClientOptions;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisReactiveAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.LettuceClientOptionsBuilderCustomizer;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RealtimeRedisAutoConfiguration}.
 *
 * @author Realtime team
 */
class RealtimeRedisAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, DataRedisAutoConfiguration.class,
				DataRedisReactiveAutoConfiguration.class, RealtimeAutoConfiguration.class,
				RealtimeRedisAutoConfiguration.class))
		.withBean(DefaultChannelCatalog.class, DefaultChannelCatalog::of)
		.withPropertyValues("spring.data.redis.host=" + EnabledIfRedis.HOST,
				"spring.data.redis.port=" + EnabledIfRedis.PORT);

	@Test
	void whenEngineTypeIsRedisThenTheRedisEngineRunsOnTheApplicationsRedisAndTheMemoryEngineBacksOff() {
		this.contextRunner.withPropertyValues("realtime.engine.type=redis").run((context) -> {
			assertThat(context).hasSingleBean(RedisEngine.class);
			assertThat(context).doesNotHaveBean(InMemoryEngine.class);
			assertThat(context.getBean(RealtimeTemplate.class)).isNotNull();
			assertThat(context).hasSingleBean(LettuceClientOptionsBuilderCustomizer.class);
			LettuceConnectionFactory factory = context.getBean(LettuceConnectionFactory.class);
			assertThat(factory.getClientConfiguration().getClientOptions()).get()
				.extracting(ClientOptions::getDisconnectedBehavior)
				.isEqualTo(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS);
		});
	}

	@Test
	void whenEngineTypeIsDefaultThenNoRedisEngineAndTheClientIsLeftAlone() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(InMemoryEngine.class);
			assertThat(context).doesNotHaveBean(RedisEngine.class);
			assertThat(context).doesNotHaveBean(LettuceClientOptionsBuilderCustomizer.class);
		});
	}

	@Test
	void whenUserDefinesAnEngineThenTheRedisEngineBacksOff() {
		this.contextRunner.withPropertyValues("realtime.engine.type=redis")
			.withBean("customEngine", RealtimeEngine.class,
					() -> new InMemoryEngine(1, Duration.ofMinutes(1), 1, Clock.systemUTC()))
			.run((context) -> {
				assertThat(context).doesNotHaveBean(RedisEngine.class);
				assertThat(context).hasSingleBean(RealtimeEngine.class);
			});
	}

	@Test
	void whenThereIsNoConnectionFactoryThenStartupFailsSayingWhatToAdd() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, RealtimeAutoConfiguration.class,
					RealtimeRedisAutoConfiguration.class))
			.withBean(DefaultChannelCatalog.class, DefaultChannelCatalog::of)
			.withPropertyValues("realtime.engine.type=redis")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("realtime.engine.type")
				.hasMessageContaining("spring-boot-starter-data-redis-reactive"));
	}

	@Test
	void whenSpringDataRedisIsMissingThenStartupFailsSayingWhatToAdd() {
		this.contextRunner.withPropertyValues("realtime.engine.type=redis")
			.withClassLoader(new FilteredClassLoader(ReactiveRedisConnectionFactory.class))
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("Spring Data Redis"));
	}

	@Test
	@EnabledIfRedis
	void whenKeyPrefixIsSetThenTheEngineKeysUseIt() {
		String prefix = TestRedis.uniquePrefix();
		this.contextRunner
			.withPropertyValues("realtime.engine.type=redis", "realtime.engine.redis.key-prefix=" + prefix)
			.run((context) -> {
				EngineMessage message = context.getBean(RealtimeEngine.class)
					.publish(new PublishRequest("test:prefix", "status", "1".getBytes(StandardCharsets.UTF_8), null,
							MessageKind.DATA, true))
					.block(Duration.ofSeconds(5));
				assertThat(message.id().offset()).isOne();
				LettuceConnectionFactory factory = context.getBean(LettuceConnectionFactory.class);
				assertThat(new StringRedisTemplate(factory).hasKey(prefix + "{test:prefix}:history")).isTrue();
				TestRedis.deleteKeys(factory, prefix);
			});
	}

}
