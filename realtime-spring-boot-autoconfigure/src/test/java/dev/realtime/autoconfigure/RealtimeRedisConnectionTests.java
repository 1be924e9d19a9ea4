package dev.realtime.autoconfigure;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import dev.realtime.engine.redis.EnabledIfRedis;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.resource.ClientResources;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link RealtimeRedisConnection}.
 *
 * @author Realtime team
 */
class RealtimeRedisConnectionTests {

	@Test
	void whenDerivedFromAFactoryWithoutClientResourcesThenItHasResourcesOfItsOwnAndTheSourceStaysAsItIs()
			throws Exception {
		LettuceConnectionFactory source = new LettuceConnectionFactory(EnabledIfRedis.HOST, 6390);
		source.setClientName("orders");
		source.setUseSsl(true);
		source.setVerifyPeer(false);
		RealtimeRedisConnection connection = RealtimeRedisConnection.derivedFrom(source, Duration.ofMillis(120));
		connection.afterPropertiesSet();
		LettuceConnectionFactory derived = (LettuceConnectionFactory) connection.getConnectionFactory();
		try {
			assertThat(connection.isOwned()).isTrue();
			assertThat(derived.isRunning()).isTrue();
			assertThat(source.isRunning()).isFalse();
			assertThat(derived.getPort()).isEqualTo(6390);
			LettuceClientConfiguration configuration = derived.getClientConfiguration();
			assertThat(configuration.getClientName()).contains("orders");
			assertThat(configuration.isUseSsl()).isTrue();
			assertThat(configuration.isVerifyPeer()).isFalse();
			assertThat(configuration.getClientOptions()).get()
				.extracting(ClientOptions::getDisconnectedBehavior)
				.isEqualTo(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS);
			assertThat(configuration.getClientResources()).get()
				.extracting((resources) -> resources.reconnectDelay().createDelay(40))
				.isEqualTo(Duration.ofMillis(120));
			assertThat(source.getClientConfiguration().getClientResources()).isEmpty();
			assertThat(source.getClientConfiguration().getClientOptions()).isEmpty();
		}
		finally {
			connection.destroy();
		}
		assertThat(derived.isRunning()).isFalse();
	}

	@Test
	void whenDerivedFromAFactoryWithClientResourcesThenTheyOutliveTheEnginesConnection() throws Exception {
		ClientResources resources = ClientResources.create();
		try {
			LettuceConnectionFactory source = new LettuceConnectionFactory(EnabledIfRedis.HOST, 6390);
			source.setClientResources(resources);
			RealtimeRedisConnection connection = RealtimeRedisConnection.derivedFrom(source, Duration.ofMillis(120));
			connection.afterPropertiesSet();
			connection.destroy();
			assertThat(resources.eventExecutorGroup().isShuttingDown()).isFalse();
			// a stopped timer refuses new timeouts
			resources.timer().newTimeout((timeout) -> {
			}, 1, TimeUnit.MILLISECONDS);
		}
		finally {
			resources.shutdown();
		}
	}

	@Test
	void whenReconnectDelayIsZeroThenDerivingFails() {
		LettuceConnectionFactory source = new LettuceConnectionFactory(EnabledIfRedis.HOST, 6390);
		assertThatIllegalArgumentException()
			.isThrownBy(() -> RealtimeRedisConnection.derivedFrom(source, Duration.ZERO))
			.withMessageContaining("reconnectDelay");
	}

	@Test
	void whenSharedThenTheFactoryIsNeitherStartedNorDestroyed() throws Exception {
		LettuceConnectionFactory factory = new LettuceConnectionFactory(EnabledIfRedis.HOST, 6390);
		RealtimeRedisConnection connection = RealtimeRedisConnection.shared(factory);
		connection.afterPropertiesSet();
		assertThat(connection.isOwned()).isFalse();
		assertThat(factory.isRunning()).isFalse();
		factory.afterPropertiesSet();
		connection.destroy();
		assertThat(factory.isRunning()).isTrue();
		factory.destroy();
	}

}
