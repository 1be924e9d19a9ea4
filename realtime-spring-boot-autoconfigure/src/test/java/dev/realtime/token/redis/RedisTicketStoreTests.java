package dev.realtime.token.redis;

import java.time.Duration;
import java.util.UUID;

import dev.realtime.engine.redis.EnabledIfRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RedisTicketStore} against a real Redis, with two stores on their own
 * connections playing two nodes.
 *
 * @author Realtime team
 */
@EnabledIfRedis
class RedisTicketStoreTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	private static final String PREFIX = "realtime-test:" + UUID.randomUUID().toString().substring(0, 8) + ":";

	private static LettuceConnectionFactory factoryA;

	private static LettuceConnectionFactory factoryB;

	@BeforeAll
	static void connect() {
		factoryA = connectionFactory();
		factoryB = connectionFactory();
	}

	@AfterAll
	static void disconnect() {
		StringRedisTemplate redis = new StringRedisTemplate(factoryA);
		redis.delete(redis.keys(PREFIX + "*"));
		factoryA.destroy();
		factoryB.destroy();
	}

	private final RedisTicketStore nodeA = new RedisTicketStore(factoryA, PREFIX);

	private final RedisTicketStore nodeB = new RedisTicketStore(factoryB, PREFIX);

	@Test
	void whenTicketPutOnOneNodeThenAnotherTakesItExactlyOnce() {
		StepVerifier.create(this.nodeA.put("ticket-1", "the-token", Duration.ofSeconds(30)))
			.expectComplete()
			.verify(TIMEOUT);
		StepVerifier.create(this.nodeB.take("ticket-1")).expectNext("the-token").expectComplete().verify(TIMEOUT);
		StepVerifier.create(this.nodeA.take("ticket-1")).expectComplete().verify(TIMEOUT);
		StepVerifier.create(this.nodeB.take("ticket-1")).expectComplete().verify(TIMEOUT);
	}

	@Test
	void whenTicketExpiresThenNoNodeTakesIt() throws InterruptedException {
		StepVerifier.create(this.nodeA.put("ticket-2", "the-token", Duration.ofMillis(100)))
			.expectComplete()
			.verify(TIMEOUT);
		Thread.sleep(300);
		StepVerifier.create(this.nodeB.take("ticket-2")).expectComplete().verify(TIMEOUT);
	}

	@Test
	void whenTicketIsStoredThenItsKeyHasTheTtlAndThePrefix() {
		StepVerifier.create(this.nodeA.put("ticket-3", "the-token", Duration.ofSeconds(30)))
			.expectComplete()
			.verify(TIMEOUT);
		Long ttl = new StringRedisTemplate(factoryA).getExpire(PREFIX + "ticket:ticket-3");
		assertThat(ttl).isBetween(1L, 30L);
	}

	@Test
	void whenTicketIsUnknownThenTakeIsEmpty() {
		StepVerifier.create(this.nodeA.take("never-issued")).expectComplete().verify(TIMEOUT);
	}

	private static LettuceConnectionFactory connectionFactory() {
		LettuceConnectionFactory factory = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration(EnabledIfRedis.HOST, EnabledIfRedis.PORT));
		factory.afterPropertiesSet();
		factory.start();
		return factory;
	}

}
