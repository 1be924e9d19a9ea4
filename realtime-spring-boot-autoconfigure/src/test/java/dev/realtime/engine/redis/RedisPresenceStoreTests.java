package dev.realtime.engine.redis;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.realtime.PresenceMember;
import dev.realtime.engine.PresenceChange;
import dev.realtime.engine.PresenceStoreContractTests;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import reactor.test.StepVerifier;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RedisPresenceStore} against a real Redis: the
 * {@link PresenceStoreContractTests contract} with two stores playing two nodes, and a
 * node that stops refreshing its members.
 *
 * @author Realtime team
 */
@EnabledIfRedis
class RedisPresenceStoreTests extends PresenceStoreContractTests<RedisPresenceStore> {

	private static final String PREFIX = TestRedis.uniquePrefix();

	private static final Duration TTL = Duration.ofMillis(600);

	private static LettuceConnectionFactory factoryA;

	private static LettuceConnectionFactory factoryB;

	private static RedisPresenceStore nodeA;

	private static RedisPresenceStore nodeB;

	@BeforeAll
	static void connect() {
		factoryA = TestRedis.connectionFactory(EnabledIfRedis.PORT);
		factoryB = TestRedis.connectionFactory(EnabledIfRedis.PORT);
		// long enough that no contract test outlives it
		nodeA = new RedisPresenceStore(factoryA, PREFIX, "node-a", Duration.ofMinutes(1), MAX_MEMBERS);
		nodeB = new RedisPresenceStore(factoryB, PREFIX, "node-b", Duration.ofMinutes(1), MAX_MEMBERS);
	}

	@AfterAll
	static void disconnect() {
		TestRedis.deleteKeys(factoryA, PREFIX);
		factoryA.destroy();
		factoryB.destroy();
	}

	@Override
	protected RedisPresenceStore node() {
		return nodeA;
	}

	@Override
	protected RedisPresenceStore otherNode() {
		return nodeB;
	}

	@Test
	void whenANodeStopsRefreshingThenAnotherNodesRefreshReportsItsMembersLeftAfterTheTtl(TestInfo test)
			throws InterruptedException {
		String channel = channel(test);
		RedisPresenceStore dying = new RedisPresenceStore(factoryA, PREFIX, "node-dying", TTL, MAX_MEMBERS);
		RedisPresenceStore surviving = new RedisPresenceStore(factoryB, PREFIX, "node-surviving", TTL, MAX_MEMBERS);
		PresenceMember alice = new PresenceMember("alice", Map.of("name", "Alice"));
		PresenceMember bob = new PresenceMember("bob", Map.of());
		dying.join(channel, alice).block(TIMEOUT);
		dying.join(channel, bob).block(TIMEOUT);
		surviving.join(channel, bob).block(TIMEOUT);
		StepVerifier.create(surviving.refresh(channel, List.of(bob))).expectComplete().verify(TIMEOUT);
		Thread.sleep(TTL.toMillis() / 2);
		StepVerifier.create(surviving.refresh(channel, List.of(bob))).expectComplete().verify(TIMEOUT);
		Thread.sleep(TTL.toMillis() / 2 + 100);
		// the dying node's entries expired: not counted even before anyone drops them
		assertThat(surviving.members(channel).block(TIMEOUT).members()).containsExactly(bob);
		StepVerifier.create(surviving.refresh(channel, List.of(bob)))
			.expectNext(new PresenceChange(false, alice, 1))
			.expectComplete()
			.verify(TIMEOUT);
		StepVerifier.create(surviving.refresh(channel, List.of(bob))).expectComplete().verify(TIMEOUT);
	}

	@Test
	void whenRedisLostTheMembersThenTheNextRefreshRestoresAndReportsThem(TestInfo test) {
		String channel = channel(test);
		PresenceMember alice = new PresenceMember("alice", Map.of("name", "Alice"));
		nodeA.join(channel, alice).block(TIMEOUT);
		TestRedis.deleteKeys(factoryA, PREFIX + "{" + channel + "}");
		StepVerifier.create(nodeA.refresh(channel, List.of(alice)))
			.expectNext(new PresenceChange(true, alice, 1))
			.expectComplete()
			.verify(TIMEOUT);
		assertThat(nodeB.members(channel).block(TIMEOUT).members()).containsExactly(alice);
	}

	@Test
	void whenNoNodeRefreshesAChannelThenItsKeysExpire(TestInfo test) throws InterruptedException {
		String channel = channel(test);
		RedisPresenceStore node = new RedisPresenceStore(factoryA, PREFIX, "node-short", TTL, MAX_MEMBERS);
		node.join(channel, new PresenceMember("alice", Map.of())).block(TIMEOUT);
		Thread.sleep(TTL.toMillis() + 300);
		assertThat(new StringRedisTemplate(factoryA).keys(PREFIX + "{" + channel + "}*")).isEmpty();
	}

}
