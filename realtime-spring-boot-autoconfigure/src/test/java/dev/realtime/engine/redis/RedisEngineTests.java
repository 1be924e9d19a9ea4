package dev.realtime.engine.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.realtime.MessageKind;
import dev.realtime.engine.EngineEvent;
import dev.realtime.engine.EngineMessage;
import dev.realtime.engine.History;
import dev.realtime.engine.MessageId;
import dev.realtime.engine.PublishRequest;
import dev.realtime.engine.Replay;
import dev.realtime.engine.SlowSubscriberException;
import dev.realtime.engine.SubscriptionLostException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RedisEngine} against a real Redis, with two engines playing two nodes,
 * each with its own connections.
 *
 * @author Realtime team
 */
@EnabledIfRedis
class RedisEngineTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	private static final Duration TTL = Duration.ofMinutes(10);

	private static final String PREFIX = TestRedis.uniquePrefix();

	private static LettuceConnectionFactory factoryA;

	private static LettuceConnectionFactory factoryB;

	private final List<RedisEngine> engines = new ArrayList<>();

	private final List<Disposable> subscriptions = new ArrayList<>();

	private String channel;

	private RedisEngine nodeA = engine(factoryA, 100, TTL, 1024);

	private RedisEngine nodeB = engine(factoryB, 100, TTL, 1024);

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

	RedisEngineTests(TestInfo test) {
		this.channel = "test:" + test.getTestMethod().orElseThrow().getName();
	}

	@AfterEach
	void destroy() {
		this.subscriptions.forEach(Disposable::dispose);
		this.engines.forEach(RedisEngine::destroy);
	}

	@Test
	void whenPublishedOnTwoNodesThenIdsStrictlyIncreasePerChannelWithOneEpoch() {
		List<MessageId> ids = new ArrayList<>();
		for (int i = 0; i < 6; i++) {
			RedisEngine node = (i % 2 == 0) ? this.nodeA : this.nodeB;
			ids.add(node.publish(request("status", i, i % 3 != 0)).block(TIMEOUT).id());
		}
		assertStrictlyIncreasing(ids);
		assertThat(ids).extracting(MessageId::offset).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
		assertThat(ids).extracting(MessageId::epoch).containsOnly(ids.get(0).epoch());
		MessageId other = this.nodeA.publish(request(this.channel + ":other", "status", 1, true)).block(TIMEOUT).id();
		assertThat(other.offset()).isOne();
		assertThat(other.epoch()).isNotEqualTo(ids.get(0).epoch());
	}

	@Test
	void whenPublishedThenMessageCarriesTheRequestAndTheRedisTime() {
		Instant before = Instant.now().minusSeconds(1);
		EngineMessage published = this.nodeA
			.publish(new PublishRequest(this.channel, "$run", bytes("{\"status\":\"running\"}"), "run-1",
					MessageKind.RUN, true))
			.block(TIMEOUT);
		assertThat(published.runId()).isEqualTo("run-1");
		assertThat(published.kind()).isEqualTo(MessageKind.RUN);
		assertThat(published.createdAt()).isBetween(before, Instant.now().plusSeconds(1));
		StepVerifier.create(this.nodeB.subscribe(this.channel, Replay.all()))
			.expectNext(new EngineEvent.Subscribed(null))
			.assertNext((event) -> {
				EngineMessage replayed = (EngineMessage) event;
				assertThat(replayed.id()).isEqualTo(published.id());
				assertThat(replayed.envelope()).isEqualTo(published.envelope());
			})
			.thenCancel()
			.verify(TIMEOUT);
	}

	@Test
	void whenTwoNodesPublishConcurrentlyThenEverySubscriberOnEitherNodeSeesEachMessageOnceInIdOrder() throws Exception {
		int publishers = 4;
		int perPublisher = 500;
		int total = publishers * perPublisher;
		List<List<EngineMessage>> received = new ArrayList<>();
		CountDownLatch allReceived = new CountDownLatch(3);
		for (RedisEngine node : List.of(this.nodeA, this.nodeA, this.nodeB)) {
			List<EngineMessage> messages = Collections.synchronizedList(new ArrayList<>(total));
			received.add(messages);
			CountDownLatch subscribed = new CountDownLatch(1);
			this.subscriptions.add(node.subscribe(this.channel, Replay.none())
				.doOnNext((event) -> subscribed.countDown())
				.ofType(EngineMessage.class)
				.subscribe((message) -> {
					messages.add(message);
					if (messages.size() == total) {
						allReceived.countDown();
					}
				}));
			assertThat(subscribed.await(5, TimeUnit.SECONDS)).isTrue();
		}
		Set<MessageId> published = Collections.synchronizedSet(new HashSet<>());
		ExecutorService executor = Executors.newFixedThreadPool(publishers);
		try {
			CyclicBarrier start = new CyclicBarrier(publishers);
			List<Future<?>> results = new ArrayList<>();
			for (int p = 0; p < publishers; p++) {
				int publisher = p;
				RedisEngine node = (p % 2 == 0) ? this.nodeA : this.nodeB;
				results.add(executor.submit(() -> {
					start.await();
					for (int s = 0; s < perPublisher; s++) {
						published.add(node.publish(request("ticks", publisher * 1_000_000 + s, s % 2 == 0))
							.block(TIMEOUT)
							.id());
					}
					return null;
				}));
			}
			for (Future<?> result : results) {
				result.get(20, TimeUnit.SECONDS);
			}
			assertThat(allReceived.await(10, TimeUnit.SECONDS)).isTrue();
		}
		finally {
			executor.shutdownNow();
		}
		assertThat(published).hasSize(total);
		for (List<EngineMessage> messages : received) {
			List<MessageId> ids = messages.stream().map(EngineMessage::id).toList();
			assertThat(ids).hasSize(total).doesNotHaveDuplicates();
			assertThat(new HashSet<>(ids)).isEqualTo(published);
			assertStrictlyIncreasing(ids);
			int[] next = new int[publishers];
			for (EngineMessage message : messages) {
				int value = Integer.parseInt(data(message));
				assertThat(value % 1_000_000).isEqualTo(next[value / 1_000_000]++);
			}
		}
		assertThat(received.get(1)).as("subscribers of one node share the decoded messages")
			.usingElementComparator((a, b) -> (a == b) ? 0 : 1)
			.isEqualTo(received.get(0));
	}

	@Test
	void whenFirstConnectOnAnotherNodeThenRetainedHistoryIsReplayedOldestFirstThenLive() {
		publish(this.nodeA, "status", 1, true);
		publish(this.nodeA, "tokens", 2, false);
		publish(this.nodeA, "status", 3, true);
		StepVerifier.create(this.nodeB.subscribe(this.channel, Replay.all()))
			.expectNext(new EngineEvent.Subscribed(null))
			.assertNext((event) -> assertThat(data(event)).isEqualTo("1"))
			.assertNext((event) -> assertThat(data(event)).isEqualTo("3"))
			.then(() -> publish(this.nodeA, "tokens", 4, false))
			.assertNext((event) -> assertThat(data(event)).isEqualTo("4"))
			.thenCancel()
			.verify(TIMEOUT);
	}

	@Test
	void whenSubscribingWhilePublishingThenHistoryAndLiveJoinWithoutGapOrDuplicate() throws Exception {
		int total = 2_000;
		this.nodeA = engine(factoryA, total, TTL, 1 << 14);
		this.nodeB = engine(factoryB, total, TTL, 1 << 14);
		List<MessageId> published = new CopyOnWriteArrayList<>();
		List<List<MessageId>> received = new ArrayList<>();
		CountDownLatch allReceived = new CountDownLatch(4);
		ExecutorService executor = Executors.newSingleThreadExecutor();
		try {
			Future<?> publishing = executor.submit(() -> {
				for (int i = 0; i < total; i++) {
					published.add(publish(this.nodeA, "status", i, true).id());
				}
			});
			for (int i = 0; i < 4; i++) {
				int threshold = i * total / 5;
				while (published.size() < threshold && !publishing.isDone()) {
					Thread.sleep(1);
				}
				List<MessageId> ids = Collections.synchronizedList(new ArrayList<>(total));
				received.add(ids);
				RedisEngine node = (i % 2 == 0) ? this.nodeB : this.nodeA;
				this.subscriptions
					.add(node.subscribe(this.channel, Replay.all()).ofType(EngineMessage.class).subscribe((message) -> {
						ids.add(message.id());
						if (ids.size() == total) {
							allReceived.countDown();
						}
					}));
			}
			publishing.get(20, TimeUnit.SECONDS);
			assertThat(allReceived.await(10, TimeUnit.SECONDS)).isTrue();
		}
		finally {
			executor.shutdownNow();
		}
		for (List<MessageId> ids : received) {
			assertThat(ids).isEqualTo(published);
		}
	}

	@Test
	void whenReplayNoneThenOnlyLiveMessages() {
		publish(this.nodeA, "status", 1, true);
		StepVerifier.create(this.nodeB.subscribe(this.channel, Replay.none()))
			.expectNext(new EngineEvent.Subscribed(null))
			.then(() -> publish(this.nodeA, "status", 2, true))
			.assertNext((event) -> assertThat(data(event)).isEqualTo("2"))
			.thenCancel()
			.verify(TIMEOUT);
	}

	@Test
	void whenResumingOnAnotherNodeAfterAnIdThenExactlyTheMissedMessagesAreReplayedAndRecovered() {
		List<EngineMessage> messages = new ArrayList<>();
		for (int i = 1; i <= 5; i++) {
			messages.add(publish(this.nodeA, "status", i, true));
		}
		StepVerifier.create(this.nodeB.subscribe(this.channel, Replay.after(messages.get(1).id().toString())))
			.expectNext(new EngineEvent.Subscribed(true))
			.assertNext((event) -> assertThat(event).hasToString(messages.get(2).toString()))
			.assertNext((event) -> assertThat(event).hasToString(messages.get(3).toString()))
			.assertNext((event) -> assertThat(event).hasToString(messages.get(4).toString()))
			.then(() -> publish(this.nodeA, "status", 6, true))
			.assertNext((event) -> assertThat(data(event)).isEqualTo("6"))
			.thenCancel()
			.verify(TIMEOUT);
		StepVerifier.create(this.nodeB.subscribe(this.channel, Replay.after(messages.get(4).id().toString())))
			.expectNext(new EngineEvent.Subscribed(true))
			.assertNext((event) -> assertThat(data(event)).isEqualTo("6"))
			.expectNoEvent(Duration.ofMillis(50))
			.thenCancel()
			.verify(TIMEOUT);
	}

	@Test
	void whenMissedMessagesWereTrimmedBySizeThenNotRecovered() {
		this.nodeA = engine(factoryA, 3, TTL, 1024);
		List<EngineMessage> messages = new ArrayList<>();
		for (int i = 1; i <= 5; i++) {
			messages.add(publish(this.nodeA, "status", i, true));
		}
		StepVerifier.create(this.nodeB.subscribe(this.channel, Replay.after(messages.get(0).id().toString())))
			.expectNext(new EngineEvent.Subscribed(false))
			.assertNext((event) -> assertThat(data(event)).isEqualTo("3"))
			.assertNext((event) -> assertThat(data(event)).isEqualTo("4"))
			.assertNext((event) -> assertThat(data(event)).isEqualTo("5"))
			.thenCancel()
			.verify(TIMEOUT);
		StepVerifier.create(this.nodeB.subscribe(this.channel, Replay.after(messages.get(1).id().toString())))
			.expectNext(new EngineEvent.Subscribed(true))
			.expectNextCount(3)
			.thenCancel()
			.verify(TIMEOUT);
	}

	@Test
	void whenMissedMessagesExpiredThenNotRecovered() throws Exception {
		this.nodeA = engine(factoryA, 100, Duration.ofMillis(1500), 1024);
		EngineMessage first = publish(this.nodeA, "status", 1, true);
		EngineMessage second = publish(this.nodeA, "status", 2, true);
		Thread.sleep(1000);
		// keeps the channel alive while the first two age out
		EngineMessage fresh = publish(this.nodeA, "status", 3, true);
		Thread.sleep(1000);
		StepVerifier.create(this.nodeA.subscribe(this.channel, Replay.after(first.id().toString())))
			.expectNext(new EngineEvent.Subscribed(false))
			.assertNext((event) -> assertThat(event).hasToString(fresh.toString()))
			.thenCancel()
			.verify(TIMEOUT);
		StepVerifier.create(this.nodeA.subscribe(this.channel, Replay.after(second.id().toString())))
			.expectNext(new EngineEvent.Subscribed(true))
			.assertNext((event) -> assertThat(event).hasToString(fresh.toString()))
			.thenCancel()
			.verify(TIMEOUT);
		StepVerifier.create(this.nodeA.subscribe(this.channel, Replay.all()))
			.expectNext(new EngineEvent.Subscribed(null))
			.assertNext((event) -> assertThat(event).hasToString(fresh.toString()))
			.thenCancel()
			.verify(TIMEOUT);
	}

	@Test
	void whenWholeChannelExpiredThenResumeIsNotRecoveredAndANewEpochStarts() throws Exception {
		this.nodeA = engine(factoryA, 100, Duration.ofMillis(300), 1024);
		EngineMessage first = publish(this.nodeA, "status", 1, true);
		Thread.sleep(500);
		StepVerifier.create(this.nodeB.subscribe(this.channel, Replay.after(first.id().toString())))
			.expectNext(new EngineEvent.Subscribed(false))
			.expectNoEvent(Duration.ofMillis(50))
			.thenCancel()
			.verify(TIMEOUT);
		EngineMessage next = publish(this.nodeA, "status", 2, true);
		assertThat(next.id().offset()).isOne();
		assertThat(next.id().epoch()).isNotEqualTo(first.id().epoch());
	}

	@Test
	void whenChannelKeysAreLostThenResumeIsNotRecoveredAndLiveSubscribersAreLost() {
		EngineMessage first = publish(this.nodeA, "status", 1, true);
		StepVerifier.create(this.nodeB.subscribe(this.channel, Replay.after(first.id().toString())))
			.expectNext(new EngineEvent.Subscribed(true))
			.then(() -> {
				StringRedisTemplate redis = new StringRedisTemplate(factoryA);
				redis
					.delete(List.of(PREFIX + "{" + this.channel + "}:meta", PREFIX + "{" + this.channel + "}:history"));
				publish(this.nodeA, "status", 2, true);
			})
			.expectError(SubscriptionLostException.class)
			.verify(TIMEOUT);
		StepVerifier.create(this.nodeB.subscribe(this.channel, Replay.after(first.id().toString())))
			.expectNext(new EngineEvent.Subscribed(false))
			.assertNext((event) -> assertThat(((EngineMessage) event).id().epoch()).isNotEqualTo(first.id().epoch()))
			.thenCancel()
			.verify(TIMEOUT);
	}

	@Test
	void whenIdIsMalformedFromAnotherEpochOrAheadThenNotRecovered() {
		EngineMessage message = publish(this.nodeA, "status", 1, true);
		String otherEpoch = new MessageId(1, message.id().epoch() + "0").toString();
		String ahead = new MessageId(message.id().offset() + 100, message.id().epoch()).toString();
		for (String lastId : List.of("not an id", otherEpoch)) {
			StepVerifier.create(this.nodeB.subscribe(this.channel, Replay.after(lastId)))
				.expectNext(new EngineEvent.Subscribed(false))
				.assertNext((event) -> assertThat(event).hasToString(message.toString()))
				.thenCancel()
				.verify(TIMEOUT);
		}
		StepVerifier.create(this.nodeB.subscribe(this.channel, Replay.after(ahead)))
			.expectNext(new EngineEvent.Subscribed(false))
			.then(() -> publish(this.nodeA, "status", 2, true))
			.assertNext((event) -> assertThat(data(event)).isEqualTo("2"))
			.thenCancel()
			.verify(TIMEOUT);
	}

	@Test
	void whenMessagesAreNotRetainedThenTheyAreNeverReplayedAndDoNotSpoilRecovery() {
		List<EngineMessage> live = new CopyOnWriteArrayList<>();
		CountDownLatch subscribed = new CountDownLatch(1);
		this.subscriptions.add(this.nodeB.subscribe(this.channel, Replay.none())
			.doOnNext((event) -> subscribed.countDown())
			.ofType(EngineMessage.class)
			.subscribe(live::add));
		awaitQuietly(subscribed);
		EngineMessage a = publish(this.nodeA, "status", 1, true);
		EngineMessage b = publish(this.nodeA, "tokens", 2, false);
		EngineMessage c = publish(this.nodeA, "status", 3, true);
		EngineMessage d = publish(this.nodeA, "tokens", 4, false);
		StepVerifier.create(this.nodeB.subscribe(this.channel, Replay.all()))
			.expectNext(new EngineEvent.Subscribed(null))
			.assertNext((event) -> assertThat(event).hasToString(a.toString()))
			.assertNext((event) -> assertThat(event).hasToString(c.toString()))
			.expectNoEvent(Duration.ofMillis(50))
			.thenCancel()
			.verify(TIMEOUT);
		for (EngineMessage after : List.of(a, b)) {
			StepVerifier.create(this.nodeB.subscribe(this.channel, Replay.after(after.id().toString())))
				.expectNext(new EngineEvent.Subscribed(true))
				.assertNext((event) -> assertThat(event).hasToString(c.toString()))
				.thenCancel()
				.verify(TIMEOUT);
		}
		StepVerifier.create(this.nodeB.subscribe(this.channel, Replay.after(d.id().toString())))
			.expectNext(new EngineEvent.Subscribed(true))
			.expectNoEvent(Duration.ofMillis(50))
			.thenCancel()
			.verify(TIMEOUT);
		assertThat(live).extracting(EngineMessage::toString)
			.containsExactly(a.toString(), b.toString(), c.toString(), d.toString());
	}

	@Test
	void whenSubscriberRequestsNothingThenItIsEndedAsSlowWithoutAffectingOthers() throws Exception {
		this.nodeB = engine(factoryB, 0, TTL, 8);
		List<EngineMessage> fast = new CopyOnWriteArrayList<>();
		CountDownLatch subscribed = new CountDownLatch(1);
		this.subscriptions.add(this.nodeB.subscribe(this.channel, Replay.none())
			.doOnNext((event) -> subscribed.countDown())
			.ofType(EngineMessage.class)
			.subscribe(fast::add));
		awaitQuietly(subscribed);
		AtomicInteger slowReceived = new AtomicInteger();
		StepVerifier.create(this.nodeB.subscribe(this.channel, Replay.none()), 1)
			.expectNext(new EngineEvent.Subscribed(null))
			.then(() -> {
				for (int i = 0; i < 100; i++) {
					publish(this.nodeA, "status", i, false);
				}
			})
			.thenRequest(Long.MAX_VALUE)
			.thenConsumeWhile((event) -> slowReceived.incrementAndGet() > 0)
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(SlowSubscriberException.class)
				.hasMessage("Subscriber of '" + this.channel + "' fell more than 8 messages behind"))
			.verify(TIMEOUT);
		assertThat(slowReceived.get()).isEqualTo(8);
		long deadline = System.nanoTime() + TIMEOUT.toNanos();
		while (fast.size() < 100 && System.nanoTime() < deadline) {
			Thread.sleep(10);
		}
		assertThat(fast).hasSize(100);
		assertStrictlyIncreasing(fast.stream().map(EngineMessage::id).toList());
	}

	@Test
	void whenTheLastLocalSubscriberLeavesThenTheNodeUnsubscribesInRedis() throws Exception {
		String key = PREFIX + "{" + this.channel + "}:live";
		assertThat(subscriberCount(key)).isZero();
		List<Disposable> local = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			CountDownLatch subscribed = new CountDownLatch(1);
			local.add(this.nodeB.subscribe(this.channel, Replay.none()).subscribe((event) -> subscribed.countDown()));
			awaitQuietly(subscribed);
		}
		assertThat(subscriberCount(key)).as("one Redis subscription for three local subscribers").isOne();
		assertThat(this.nodeB.channelCount()).isOne();
		local.get(0).dispose();
		local.get(1).dispose();
		assertThat(subscriberCount(key)).isOne();
		local.get(2).dispose();
		awaitSubscriberCount(key, 0);
		assertThat(this.nodeB.channelCount()).isZero();
		StepVerifier.create(this.nodeB.subscribe(this.channel, Replay.none()))
			.expectNext(new EngineEvent.Subscribed(null))
			.then(() -> assertThat(subscriberCount(key)).isOne())
			.then(() -> publish(this.nodeA, "status", 1, false))
			.assertNext((event) -> assertThat(data(event)).isEqualTo("1"))
			.thenCancel()
			.verify(TIMEOUT);
		awaitSubscriberCount(key, 0);
	}

	@Test
	void whenDestroyedThenSubscribersComplete() {
		Flux<EngineEvent> first = this.nodeB.subscribe(this.channel, Replay.none());
		Flux<EngineEvent> second = this.nodeB.subscribe(this.channel + ":2", Replay.all());
		StepVerifier.create(Flux.merge(first, second))
			.expectNext(new EngineEvent.Subscribed(null), new EngineEvent.Subscribed(null))
			.then(this.nodeB::destroy)
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void whenReadingHistoryWithoutReplayThenItIsNone() {
		publish(this.nodeA, "status", 1, true);
		assertThat(history(this.nodeB, Replay.none())).isEqualTo(History.none());
	}

	@Test
	void whenReadingAllHistoryOnAnotherNodeThenTheRetainedMessagesComeOldestFirst() {
		EngineMessage a = publish(this.nodeA, "status", 1, true);
		publish(this.nodeA, "tokens", 2, false);
		EngineMessage c = publish(this.nodeA, "status", 3, true);
		publish(this.nodeA, "tokens", 4, false);
		History history = history(this.nodeB, Replay.all());
		assertThat(history.recovered()).isNull();
		assertThat(history.messages()).extracting(EngineMessage::toString).containsExactly(a.toString(), c.toString());
	}

	@Test
	void whenReadingHistoryAfterAnIdThenExactlyTheLaterRetainedMessagesComeAndItIsRecovered() {
		List<EngineMessage> messages = new ArrayList<>();
		for (int i = 1; i <= 5; i++) {
			messages.add(publish(this.nodeA, "status", i, i != 4));
		}
		History history = history(this.nodeB, Replay.after(messages.get(1).id().toString()));
		assertThat(history.recovered()).isTrue();
		assertThat(history.messages()).extracting(EngineMessage::toString)
			.containsExactly(messages.get(2).toString(), messages.get(4).toString());
		History last = history(this.nodeB, Replay.after(messages.get(4).id().toString()));
		assertThat(last.recovered()).isTrue();
		assertThat(last.messages()).isEmpty();
	}

	@Test
	void whenReadingHistoryAfterATrimmedIdThenItIsNotRecovered() {
		this.nodeA = engine(factoryA, 3, TTL, 1024);
		List<EngineMessage> messages = new ArrayList<>();
		for (int i = 1; i <= 5; i++) {
			messages.add(publish(this.nodeA, "status", i, true));
		}
		List<String> retained = messages.subList(2, 5).stream().map(EngineMessage::toString).toList();
		History trimmed = history(this.nodeB, Replay.after(messages.get(0).id().toString()));
		assertThat(trimmed.recovered()).isFalse();
		assertThat(trimmed.messages()).extracting(EngineMessage::toString).isEqualTo(retained);
		History kept = history(this.nodeB, Replay.after(messages.get(1).id().toString()));
		assertThat(kept.recovered()).isTrue();
		assertThat(kept.messages()).extracting(EngineMessage::toString).isEqualTo(retained);
	}

	@Test
	void whenReadingHistoryAfterAnIdOfAnotherEpochThenItIsNotRecoveredAndHoldsTheWholeHistory() {
		EngineMessage first = publish(this.nodeA, "status", 1, true);
		EngineMessage second = publish(this.nodeA, "status", 2, true);
		String otherEpoch = new MessageId(first.id().offset(), first.id().epoch() + "0").toString();
		History history = history(this.nodeB, Replay.after(otherEpoch));
		assertThat(history.recovered()).isFalse();
		assertThat(history.messages()).extracting(EngineMessage::toString)
			.containsExactly(first.toString(), second.toString());
	}

	@Test
	void whenReadingHistoryThenItHoldsWhatASubscriptionReplays() {
		this.nodeA = engine(factoryA, 3, TTL, 1024);
		List<EngineMessage> messages = new ArrayList<>();
		for (int i = 1; i <= 6; i++) {
			messages.add(publish(this.nodeA, "status", i, i != 5));
		}
		String otherEpoch = new MessageId(1, messages.get(0).id().epoch() + "0").toString();
		for (Replay replay : List.of(Replay.none(), Replay.all(), Replay.after(messages.get(0).id().toString()),
				Replay.after(messages.get(3).id().toString()), Replay.after(otherEpoch), Replay.after("not an id"))) {
			History history = history(this.nodeB, replay);
			StepVerifier.Step<EngineEvent> replayed = StepVerifier.create(this.nodeB.subscribe(this.channel, replay))
				.expectNext(new EngineEvent.Subscribed(history.recovered()));
			for (EngineMessage message : history.messages()) {
				replayed = replayed.assertNext((event) -> assertThat(event).hasToString(message.toString()));
			}
			replayed.expectNoEvent(Duration.ofMillis(20)).thenCancel().verify(TIMEOUT);
		}
	}

	@Test
	void whenReadingHistoryThenTheNodeNeitherSubscribesNorCreatesKeys() {
		String unknown = this.channel + ":unknown";
		EngineMessage message = publish(this.nodeA, "status", 1, true);
		assertThat(history(this.nodeB, Replay.all()).messages()).hasSize(1);
		assertThat(history(this.nodeB, Replay.after(message.id().toString())).recovered()).isTrue();
		History none = this.nodeB.history(unknown, Replay.all()).block(TIMEOUT);
		assertThat(none).isEqualTo(new History(null, List.of()));
		assertThat(this.nodeB.history(unknown, Replay.after(message.id().toString())).block(TIMEOUT))
			.isEqualTo(new History(false, List.of()));
		assertThat(this.nodeB.channelCount()).isZero();
		assertThat(subscriberCount(PREFIX + "{" + this.channel + "}:live")).isZero();
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

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			assertThat(latch.await(5, TimeUnit.SECONDS)).isTrue();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError(ex);
		}
	}

	private History history(RedisEngine node, Replay replay) {
		return node.history(this.channel, replay).block(TIMEOUT);
	}

	private RedisEngine engine(LettuceConnectionFactory factory, int historySize, Duration ttl, int buffer) {
		RedisEngine engine = new RedisEngine(factory, PREFIX, historySize, ttl, buffer, TIMEOUT);
		this.engines.add(engine);
		return engine;
	}

	private EngineMessage publish(RedisEngine node, String topic, int value, boolean retain) {
		return node.publish(request(topic, value, retain)).block(TIMEOUT);
	}

	private PublishRequest request(String topic, int value, boolean retain) {
		return request(this.channel, topic, value, retain);
	}

	private static PublishRequest request(String channel, String topic, int value, boolean retain) {
		return new PublishRequest(channel, topic, bytes(Integer.toString(value)), null, MessageKind.DATA, retain);
	}

	private static String data(EngineEvent event) {
		assertThat(event).isInstanceOf(EngineMessage.class);
		return new String(((EngineMessage) event).data(), StandardCharsets.UTF_8);
	}

	private static byte[] bytes(String value) {
		return value.getBytes(StandardCharsets.UTF_8);
	}

	private static void assertStrictlyIncreasing(List<MessageId> ids) {
		for (int i = 1; i < ids.size(); i++) {
			assertThat(ids.get(i).offset()).isGreaterThan(ids.get(i - 1).offset());
		}
	}

}
