package dev.realtime.engine.redis;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import dev.realtime.MessageKind;
import dev.realtime.autoconfigure.RealtimeAutoConfiguration;
import dev.realtime.autoconfigure.RealtimeRedisAutoConfiguration;
import dev.realtime.autoconfigure.RealtimeRedisConnection;
import dev.realtime.autoconfigure.RealtimeRunsAutoConfiguration;
import dev.realtime.catalog.DefaultChannelCatalog;
import dev.realtime.engine.EngineMessage;
import dev.realtime.engine.PublishRequest;
import dev.realtime.engine.RealtimeEngine;
import dev.realtime.engine.memory.InMemoryEngine;
import dev.realtime.run.redis.RedisRunMemoStore;
import dev.realtime.support.RealtimeTemplate;
import dev.realtime.token.redis.RedisTicketStore;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.ReadFrom;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisReactiveAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.connection.ReactiveRedisClusterConnection;
import org.springframework.data.redis.connection.ReactiveRedisConnection;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.connection.RedisClusterConfiguration;
import org.springframework.data.redis.connection.RedisPassword;
import org.springframework.data.redis.connection.RedisSentinelConfiguration;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for {@link RealtimeRedisAutoConfiguration}.
 *
 * @author Realtime team
 */
@ExtendWith(OutputCaptureExtension.class)
class RealtimeRedisAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, DataRedisAutoConfiguration.class,
				DataRedisReactiveAutoConfiguration.class, RealtimeAutoConfiguration.class,
				RealtimeRedisAutoConfiguration.class))
		.withBean(DefaultChannelCatalog.class, DefaultChannelCatalog::of)
		.withPropertyValues("spring.data.redis.host=" + EnabledIfRedis.HOST,
				"spring.data.redis.port=" + EnabledIfRedis.PORT);

	@Test
	void whenEngineTypeIsRedisThenTheRedisEngineRunsOnAConnectionFactoryOfItsOwnAndTheMemoryEngineBacksOff() {
		this.contextRunner.withPropertyValues("realtime.engine.type=redis").run((context) -> {
			assertThat(context).hasSingleBean(RedisEngine.class);
			assertThat(context).doesNotHaveBean(InMemoryEngine.class);
			assertThat(context).hasSingleBean(RedisRunMemoStore.class).hasSingleBean(RedisTicketStore.class);
			assertThat(context.getBean(RealtimeTemplate.class)).isNotNull();
			assertThat(context).hasSingleBean(ReactiveRedisConnectionFactory.class);
			RealtimeRedisConnection connection = context.getBean(RealtimeRedisConnection.class);
			assertThat(connection.isOwned()).isTrue();
			assertThat(connection.getConnectionFactory()).isInstanceOf(LettuceConnectionFactory.class)
				.isNotSameAs(context.getBean(ReactiveRedisConnectionFactory.class));
			LettuceConnectionFactory factory = (LettuceConnectionFactory) connection.getConnectionFactory();
			assertThat(factory.isRunning()).isTrue();
			assertThat(factory.getClientConfiguration().getClientOptions()).get()
				.extracting(ClientOptions::getDisconnectedBehavior)
				.isEqualTo(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS);
			assertThat(reconnectDelay(factory)).isEqualTo(Duration.ofMillis(250));
		});
	}

	@Test
	void whenEngineTypeIsRedisThenTheApplicationsRedisClientIsLeftAsItIs() {
		this.contextRunner.withPropertyValues("realtime.engine.type=redis").run((context) -> {
			LettuceConnectionFactory application = context.getBean(LettuceConnectionFactory.class);
			assertThat(application.getClientConfiguration().getClientOptions()).get()
				.extracting(ClientOptions::getDisconnectedBehavior)
				.isEqualTo(ClientOptions.DisconnectedBehavior.DEFAULT);
			assertThat(reconnectDelay(application)).isEqualTo(Duration.ofSeconds(30));
			ClientResources applicationResources = context.getBean(ClientResources.class);
			assertThat(application.getClientConfiguration().getClientResources()).containsSame(applicationResources);
			LettuceConnectionFactory engine = (LettuceConnectionFactory) context.getBean(RealtimeRedisConnection.class)
				.getConnectionFactory();
			ClientResources engineResources = engine.getClientConfiguration().getClientResources().orElseThrow();
			assertThat(engineResources).isNotSameAs(applicationResources);
			assertThat(engineResources.eventLoopGroupProvider())
				.isSameAs(applicationResources.eventLoopGroupProvider());
			assertThat(engineResources.timer()).isSameAs(applicationResources.timer());
		});
	}

	@Test
	void whenReconnectDelayIsSetThenTheEnginesConnectionReconnectsWithinIt() {
		this.contextRunner
			.withPropertyValues("realtime.engine.type=redis", "realtime.engine.redis.reconnect-delay=80ms")
			.run((context) -> {
				LettuceConnectionFactory factory = (LettuceConnectionFactory) context
					.getBean(RealtimeRedisConnection.class)
					.getConnectionFactory();
				assertThat(reconnectDelay(factory)).isEqualTo(Duration.ofMillis(80));
			});
	}

	@Test
	void whenTheApplicationsRedisIsConfiguredThenTheEnginesConnectionFactoryHasTheSameSettings() {
		this.contextRunner
			.withPropertyValues("realtime.engine.type=redis", "spring.data.redis.database=3",
					"spring.data.redis.username=realtime", "spring.data.redis.password=secret",
					"spring.data.redis.client-name=orders", "spring.data.redis.timeout=3s",
					"spring.data.redis.connect-timeout=2s", "spring.data.redis.lettuce.read-from=replica-preferred",
					"spring.data.redis.lettuce.shutdown-timeout=50ms")
			.run((context) -> {
				LettuceConnectionFactory application = context.getBean(LettuceConnectionFactory.class);
				LettuceConnectionFactory engine = (LettuceConnectionFactory) context
					.getBean(RealtimeRedisConnection.class)
					.getConnectionFactory();
				RedisStandaloneConfiguration standalone = engine.getStandaloneConfiguration();
				assertThat(standalone.getHostName()).isEqualTo(EnabledIfRedis.HOST);
				assertThat(standalone.getPort()).isEqualTo(EnabledIfRedis.PORT);
				assertThat(standalone.getDatabase()).isEqualTo(3);
				assertThat(standalone.getUsername()).isEqualTo("realtime");
				assertThat(standalone.getPassword()).isEqualTo(RedisPassword.of("secret"));
				LettuceClientConfiguration configuration = engine.getClientConfiguration();
				assertThat(configuration.getClientName()).contains("orders");
				assertThat(configuration.getCommandTimeout()).isEqualTo(Duration.ofSeconds(3));
				assertThat(configuration.getShutdownTimeout()).isEqualTo(Duration.ofMillis(50));
				assertThat(configuration.getReadFrom()).contains(ReadFrom.REPLICA_PREFERRED);
				assertThat(configuration.isUseSsl()).isFalse();
				ClientOptions options = configuration.getClientOptions().orElseThrow();
				ClientOptions applicationOptions = application.getClientConfiguration()
					.getClientOptions()
					.orElseThrow();
				assertThat(options.getSocketOptions().getConnectTimeout()).isEqualTo(Duration.ofSeconds(2));
				assertThat(options.getTimeoutOptions().isTimeoutCommands())
					.isEqualTo(applicationOptions.getTimeoutOptions().isTimeoutCommands());
			});
	}

	@Test
	void whenTheApplicationsRedisIsASentinelSetThenTheEnginesConnectionFactoryUsesIt() {
		this.contextRunner
			.withPropertyValues("realtime.engine.type=redis", "spring.data.redis.sentinel.master=orders",
					"spring.data.redis.sentinel.nodes=127.0.0.1:26379,127.0.0.1:26380")
			.run((context) -> {
				LettuceConnectionFactory engine = (LettuceConnectionFactory) context
					.getBean(RealtimeRedisConnection.class)
					.getConnectionFactory();
				RedisSentinelConfiguration sentinel = engine.getSentinelConfiguration();
				assertThat(sentinel)
					.isSameAs(context.getBean(LettuceConnectionFactory.class).getSentinelConfiguration());
				assertThat(sentinel.getMaster().getName()).isEqualTo("orders");
				assertThat(sentinel.getSentinels()).hasSize(2);
			});
	}

	@Test
	void whenTheApplicationsRedisIsAClusterThenTheEnginesConnectionFactoryUsesItWithTheSameTopologyRefresh() {
		this.contextRunner
			.withPropertyValues("realtime.engine.type=redis",
					"spring.data.redis.cluster.nodes=127.0.0.1:7000,127.0.0.1:7001",
					"spring.data.redis.lettuce.cluster.refresh.period=30s")
			.run((context) -> {
				LettuceConnectionFactory engine = (LettuceConnectionFactory) context
					.getBean(RealtimeRedisConnection.class)
					.getConnectionFactory();
				RedisClusterConfiguration cluster = engine.getClusterConfiguration();
				assertThat(cluster).isSameAs(context.getBean(LettuceConnectionFactory.class).getClusterConfiguration());
				assertThat(engine.getClientConfiguration().getClientOptions()).get()
					.isInstanceOfSatisfying(ClusterClientOptions.class, (options) -> {
						assertThat(options.getDisconnectedBehavior())
							.isEqualTo(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS);
						assertThat(options.getTopologyRefreshOptions().getRefreshPeriod())
							.isEqualTo(Duration.ofSeconds(30));
					});
			});
	}

	@Test
	void whenTheApplicationsRedisIsAStaticMasterReplicaSetThenTheEngineUsesTheApplicationsFactoryAndSaysSo(
			CapturedOutput output) {
		this.contextRunner
			.withPropertyValues("realtime.engine.type=redis",
					"spring.data.redis.masterreplica.nodes=127.0.0.1:6379,127.0.0.1:6380")
			.run((context) -> {
				RealtimeRedisConnection connection = context.getBean(RealtimeRedisConnection.class);
				assertThat(connection.isOwned()).isFalse();
				assertThat(connection.getConnectionFactory())
					.isSameAs(context.getBean(ReactiveRedisConnectionFactory.class));
				assertThat(output).contains("static master/replica");
			});
	}

	@Test
	void whenTheApplicationsConnectionFactoryIsNotLettuceThenTheEngineUsesItAsItIsAndSaysSo(CapturedOutput output) {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, RealtimeAutoConfiguration.class,
					RealtimeRedisAutoConfiguration.class))
			.withBean(DefaultChannelCatalog.class, DefaultChannelCatalog::of)
			.withBean(ReactiveRedisConnectionFactory.class, ForeignConnectionFactory::new)
			.withPropertyValues("realtime.engine.type=redis")
			.run((context) -> {
				assertThat(context).hasSingleBean(RedisEngine.class);
				RealtimeRedisConnection connection = context.getBean(RealtimeRedisConnection.class);
				assertThat(connection.isOwned()).isFalse();
				assertThat(connection.getConnectionFactory())
					.isSameAs(context.getBean(ReactiveRedisConnectionFactory.class));
				assertThat(output).contains("uses the application's Redis connection factory ("
						+ ForeignConnectionFactory.class.getName() + ") as it is");
			});
	}

	@Test
	void whenUserDefinesARealtimeRedisConnectionThenTheEngineUsesItAndItsFactoryLivesWithTheContext() {
		LettuceConnectionFactory own = new LettuceConnectionFactory(EnabledIfRedis.HOST, EnabledIfRedis.PORT);
		this.contextRunner.withPropertyValues("realtime.engine.type=redis")
			.withBean(RealtimeRedisConnection.class, () -> RealtimeRedisConnection.owned(own))
			.run((context) -> {
				assertThat(context).hasSingleBean(RealtimeRedisConnection.class).hasSingleBean(RedisEngine.class);
				assertThat(context.getBean(RealtimeRedisConnection.class).getConnectionFactory()).isSameAs(own);
				assertThat(own.isRunning()).isTrue();
			});
		assertThat(own.isRunning()).isFalse();
	}

	@Test
	void whenTheContextClosesThenTheEnginesConnectionFactoryIsDestroyed() {
		AtomicReference<LettuceConnectionFactory> engine = new AtomicReference<>();
		this.contextRunner.withPropertyValues("realtime.engine.type=redis").run((context) -> {
			engine
				.set((LettuceConnectionFactory) context.getBean(RealtimeRedisConnection.class).getConnectionFactory());
			assertThat(engine.get().isRunning()).isTrue();
		});
		assertThat(engine.get().isRunning()).isFalse();
		ReactiveRedisConnectionFactory destroyed = engine.get();
		assertThatIllegalStateException().isThrownBy(destroyed::getReactiveConnection)
			.withMessageContaining("destroyed");
	}

	@Test
	@EnabledIfRedis
	void whenEngineTypeIsRedisThenRunLeasesUseTheEnginesConnection() {
		this.contextRunner.withConfiguration(AutoConfigurations.of(RealtimeRunsAutoConfiguration.class))
			.withPropertyValues("realtime.engine.type=redis")
			.run((context) -> assertThat(context).hasSingleBean(RedisRunLeases.class));
	}

	@Test
	void whenEngineTypeIsDefaultThenNoRedisEngineAndNoConnectionOfItsOwn() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(InMemoryEngine.class);
			assertThat(context).doesNotHaveBean(RedisEngine.class);
			assertThat(context).doesNotHaveBean(RealtimeRedisConnection.class);
		});
	}

	@Test
	void whenUserDefinesAnEngineThenTheRedisEngineBacksOff() {
		this.contextRunner.withPropertyValues("realtime.engine.type=redis")
			.withBean("customEngine", RealtimeEngine.class,
					() -> new InMemoryEngine(1, Duration.ofMinutes(1), Clock.systemUTC()))
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

	/**
	 * Return the longest delay between two reconnection attempts of a factory's client.
	 */
	private static Duration reconnectDelay(LettuceConnectionFactory factory) {
		Delay delay = factory.getClientConfiguration()
			.getClientResources()
			.map(ClientResources::reconnectDelay)
			.orElseThrow();
		return delay.createDelay(40);
	}

	/**
	 * A connection factory that is not Lettuce's, which the tests never connect.
	 */
	static class ForeignConnectionFactory implements ReactiveRedisConnectionFactory {

		@Override
		public ReactiveRedisConnection getReactiveConnection() {
			throw new UnsupportedOperationException();
		}

		@Override
		public ReactiveRedisClusterConnection getReactiveClusterConnection() {
			throw new UnsupportedOperationException();
		}

		@Override
		public DataAccessException translateExceptionIfPossible(RuntimeException ex) {
			throw new UnsupportedOperationException();
		}

	}

}
