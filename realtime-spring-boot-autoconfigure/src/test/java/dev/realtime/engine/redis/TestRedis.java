package dev.realtime.engine.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.Cursor;
import org.springframework.data.redis.core.ScanOptions;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Connection factories and key clean-up for tests against a real Redis.
 */
final class TestRedis {

	private TestRedis() {
	}

	/**
	 * Client resources with the reconnect delays of the engine's connection factory,
	 * shared by the factories of the tests.
	 */
	private static final ClientResources RESOURCES = ClientResources.builder()
		.reconnectDelay(Delay.exponential(Duration.ZERO, Duration.ofMillis(250), 2, TimeUnit.MILLISECONDS))
		.build();

	/**
	 * Create and start a connection factory configured as the auto-configuration
	 * configures the engine's own.
	 * @param port the Redis port
	 * @return the started factory, to destroy after use
	 */
	static LettuceConnectionFactory connectionFactory(int port) {
		return connectionFactory(port, RESOURCES);
	}

	/**
	 * Create and start a connection factory configured as the auto-configuration
	 * configures the engine's own, on the given client resources.
	 * @param port the Redis port
	 * @param resources the client resources, with their reconnect delay
	 * @return the started factory, to destroy after use
	 */
	static LettuceConnectionFactory connectionFactory(int port, ClientResources resources) {
		LettuceClientConfiguration configuration = LettuceClientConfiguration.builder()
			.clientOptions(ClientOptions.builder()
				.disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
				.build())
			.clientResources(resources)
			.commandTimeout(Duration.ofSeconds(2))
			.build();
		LettuceConnectionFactory factory = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration(EnabledIfRedis.HOST, port), configuration);
		factory.afterPropertiesSet();
		factory.start();
		return factory;
	}

	/**
	 * Return a key prefix unique to one test class run.
	 * @return the prefix
	 */
	static String uniquePrefix() {
		return "realtime-test:" + UUID.randomUUID().toString().substring(0, 8) + ":";
	}

	/**
	 * Delete every key under a prefix.
	 * @param factory the connection factory
	 * @param prefix the prefix
	 */
	static void deleteKeys(LettuceConnectionFactory factory, String prefix) {
		StringRedisTemplate template = new StringRedisTemplate(factory);
		List<String> keys = new ArrayList<>();
		try (Cursor<String> cursor = template.scan(ScanOptions.scanOptions().match(prefix + "*").count(1000).build())) {
			cursor.forEachRemaining(keys::add);
		}
		template.delete(keys);
	}

	/**
	 * Return how many clients subscribe to a pub/sub channel.
	 * @param factory a connection factory of the Redis
	 * @param channel the pub/sub channel
	 * @return the number of subscribers
	 */
	static long subscriberCount(LettuceConnectionFactory factory, String channel) {
		RedisClient client = (RedisClient) factory.getRequiredNativeClient();
		try (StatefulRedisConnection<String, String> connection = client.connect()) {
			return connection.sync().pubsubNumsub(channel).get(channel);
		}
	}

}
