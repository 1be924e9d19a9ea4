package dev.realtime.engine.redis;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import dev.realtime.engine.EngineEvent;
import dev.realtime.engine.EngineMessage;
import dev.realtime.engine.History;
import dev.realtime.engine.MessageId;
import dev.realtime.engine.RealtimeEngineContractTests;
import dev.realtime.engine.Replay;
import dev.realtime.engine.SubscriptionLostException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.test.StepVerifier;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RedisEngine} against a real Redis: the
 * {@link RealtimeEngineContractTests contract} with two engines playing two nodes, each
 * with its own connections, and what only the Redis engine does (its keys, its pub/sub
 * subscriptions, a channel whose keys Redis lost).
 *
 * @author Realtime team
 */
@EnabledIfRedis
class RedisEngineTests extends RealtimeEngineContractTests<RedisEngine> {

	private static final String PREFIX = TestRedis.uniquePrefix();

	private static LettuceConnectionFactory factoryA;

	private static LettuceConnectionFactory factoryB;

	@BeforeAll
	static void connect() {
		factoryA = TestRedis.connectionFactory(EnabledIfRedis.PORT);
		factoryB = TestRedis.connectionFactory(EnabledIfRedis.PORT);
	}

	@AfterAll
	static void disconnect() {
		TestRedis.deleteKeys(factoryA, PREFIX);
		factoryA.destroy();
		factoryB.destroy();
	}

	@Override
	protected RedisEngine createEngine(int historySize, Duration historyTtl, int catchUpBuffer) {
		return new RedisEngine(factoryA, PREFIX, historySize, historyTtl, catchUpBuffer, TIMEOUT);
	}

	@Override
	protected RedisEngine createEngineWithStreamLimit(long streamMaxSize) {
		return new RedisEngine(factoryA, PREFIX, 100, TTL, 1024, TIMEOUT, streamMaxSize, TTL);
	}

	@Override
	protected RedisEngine createOtherNode(RedisEngine node, int historySize, Duration historyTtl, int catchUpBuffer) {
		return new RedisEngine(factoryB, PREFIX, historySize, historyTtl, catchUpBuffer, TIMEOUT);
	}

	@Override
	protected void destroy(RedisEngine engine) {
		engine.destroy();
	}

	@Override
	protected Duration expiringTtl() {
		return Duration.ofMillis(1500);
	}

	@Override
	protected void elapse(Duration duration) throws InterruptedException {
		// Redis ages history by its own clock
		Thread.sleep(duration.toMillis());
	}

	@Override
	protected int channelCount(RedisEngine engine) {
		return engine.channelCount();
	}

	@Override
	protected String engineType() {
		return "redis";
	}

	@Override
	protected void assertPublishedNow(Instant createdAt, Instant calledAt) {
		// the time of Redis, which may differ a little from ours
		assertThat(createdAt).isBetween(calledAt.minusSeconds(1), Instant.now().plusSeconds(1));
	}

	@Override
	protected void assertIdsOfTwoChannels(List<MessageId> ids, List<MessageId> otherIds) {
		// each channel counts from 1 with an epoch of its own
		assertThat(ids).extracting(MessageId::offset).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
		assertThat(otherIds).extracting(MessageId::offset).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
		assertThat(otherIds.get(0).epoch()).isNotEqualTo(ids.get(0).epoch());
	}

	@Override
	protected void assertIdAfterHistoryExpired(MessageId before, MessageId after) {
		// Redis dropped the channel's keys: it starts again with a new epoch
		assertThat(after.offset()).isOne();
		assertThat(after.epoch()).isNotEqualTo(before.epoch());
	}

	@Override
	protected boolean recoversAChannelWithoutState() {
		// no keys: the channel may as well have expired
		return false;
	}

	@Test
	void whenChannelKeysAreLostThenResumeIsNotRecoveredAndLiveSubscribersAreLost() {
		EngineMessage first = publish(nodeA(), "status", 1, true);
		StepVerifier.create(subscribe(nodeB(), channel(), Replay.after(first.id().toString())))
			.expectNext(new EngineEvent.Subscribed(true))
			.then(() -> {
				StringRedisTemplate redis = new StringRedisTemplate(factoryA);
				redis.delete(List.of(PREFIX + "{" + channel() + "}:meta", PREFIX + "{" + channel() + "}:history"));
				publish(nodeA(), "status", 2, true);
			})
			.expectError(SubscriptionLostException.class)
			.verify(TIMEOUT);
		StepVerifier.create(subscribe(nodeB(), channel(), Replay.after(first.id().toString())))
			.expectNext(new EngineEvent.Subscribed(false))
			.assertNext((event) -> assertThat(((EngineMessage) event).id().epoch()).isNotEqualTo(first.id().epoch()))
			.thenCancel()
			.verify(TIMEOUT);
	}

	@Test
	void whenTheLastLocalSubscriberLeavesThenTheNodeUnsubscribesInRedis() throws Exception {
		String key = PREFIX + "{" + channel() + "}:live";
		assertThat(subscriberCount(key)).isZero();
		List<Disposable> local = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			CountDownLatch subscribed = new CountDownLatch(1);
			local.add(subscribe(nodeB(), channel(), Replay.none()).subscribe((event) -> subscribed.countDown()));
			awaitQuietly(subscribed);
		}
		assertThat(subscriberCount(key)).as("one Redis subscription for three local subscribers").isOne();
		assertThat(nodeB().channelCount()).isOne();
		local.get(0).dispose();
		local.get(1).dispose();
		assertThat(subscriberCount(key)).isOne();
		local.get(2).dispose();
		awaitSubscriberCount(key, 0);
		assertThat(nodeB().channelCount()).isZero();
		StepVerifier.create(subscribe(nodeB(), channel(), Replay.none()))
			.expectNext(new EngineEvent.Subscribed(null))
			.then(() -> assertThat(subscriberCount(key)).isOne())
			.then(() -> publish(nodeA(), "status", 1, false))
			.assertNext((event) -> assertThat(data(event)).isEqualTo("1"))
			.thenCancel()
			.verify(TIMEOUT);
		awaitSubscriberCount(key, 0);
	}

	@Test
	void whenReadingHistoryThenTheNodeNeitherSubscribesNorCreatesKeys() {
		String unknown = channel() + ":unknown";
		EngineMessage message = publish(nodeA(), "status", 1, true);
		assertThat(history(nodeB(), Replay.all()).messages()).hasSize(1);
		assertThat(history(nodeB(), Replay.after(message.id().toString())).recovered()).isTrue();
		assertThat(history(nodeB(), unknown, Replay.all())).isEqualTo(new History(null, List.of()));
		assertThat(history(nodeB(), unknown, Replay.after(message.id().toString())))
			.isEqualTo(new History(false, List.of()));
		assertThat(nodeB().channelCount()).isZero();
		assertThat(subscriberCount(PREFIX + "{" + channel() + "}:live")).isZero();
		StringRedisTemplate redis = new StringRedisTemplate(factoryA);
		assertThat(redis.hasKey(PREFIX + "{" + unknown + "}:meta")).isFalse();
		assertThat(redis.hasKey(PREFIX + "{" + unknown + "}:history")).isFalse();
	}

	private static long subscriberCount(String key) {
		return TestRedis.subscriberCount(factoryA, key);
	}

	private static void awaitSubscriberCount(String key, long count) throws InterruptedException {
		long deadline = System.nanoTime() + TIMEOUT.toNanos();
		while (subscriberCount(key) != count && System.nanoTime() < deadline) {
			Thread.sleep(10);
		}
		assertThat(subscriberCount(key)).isEqualTo(count);
	}

}
