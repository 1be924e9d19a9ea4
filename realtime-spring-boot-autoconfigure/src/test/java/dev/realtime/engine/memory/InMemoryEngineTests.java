package dev.realtime.engine.memory;

import java.lang.ref.WeakReference;
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
import java.util.concurrent.atomic.AtomicReference;

import dev.realtime.MessageKind;
import dev.realtime.engine.EngineEvent;
import dev.realtime.engine.EngineMessage;
import dev.realtime.engine.History;
import dev.realtime.engine.MessageId;
import dev.realtime.engine.PublishRequest;
import dev.realtime.engine.Replay;
import dev.realtime.engine.SlowSubscriberException;
import dev.realtime.testsupport.MutableClock;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscription;
import reactor.core.Disposable;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link InMemoryEngine}.
 *
 * @author Realtime team
 */
class InMemoryEngineTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	private static final Duration TTL = Duration.ofMinutes(10);

	private static final String CHANNEL = "test:1";

	private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));

	private final List<InMemoryEngine> engines = new ArrayList<>();

	private final List<Disposable> subscriptions = new ArrayList<>();

	private InMemoryEngine engine = engine(100, TTL, 1024);

	@AfterEach
	void destroy() {
		this.subscriptions.forEach(Disposable::dispose);
		this.engines.forEach(InMemoryEngine::destroy);
	}

	@Test
	void whenPublishedThenIdsStrictlyIncreasePerChannelWithTheEngineEpoch() {
		List<MessageId> first = new ArrayList<>();
		List<MessageId> second = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			first.add(publish(CHANNEL, "status", i, true).id());
			second.add(publish("test:2", "status", i, false).id());
		}
		assertStrictlyIncreasing(first);
		assertStrictlyIncreasing(second);
		assertThat(first).extracting(MessageId::epoch).containsOnly(second.get(0).epoch());
	}

	@Test
	void whenPublishedThenMessageCarriesTheRequestAndTheClockTime() {
		EngineMessage message = this.engine
			.publish(new PublishRequest(CHANNEL, "$run", bytes("{\"status\":\"running\"}"), "run-1", MessageKind.RUN,
					true))
			.block(TIMEOUT);
		assertThat(message.channel()).isEqualTo(CHANNEL);
		assertThat(message.topic()).isEqualTo("$run");
		assertThat(message.runId()).isEqualTo("run-1");
		assertThat(message.kind()).isEqualTo(MessageKind.RUN);
		assertThat(message.createdAt()).isEqualTo(this.clock.instant());
	}

	@Test
	void whenManyThreadsPublishThenEverySubscriberSeesEachMessageOnceInIdOrder() throws Exception {
		int publishers = 8;
		int perPublisher = 5_000;
		int total = publishers * perPublisher;
		this.engine = engine(0, TTL, 1 << 16);
		List<List<EngineMessage>> received = new ArrayList<>();
		CountDownLatch allReceived = new CountDownLatch(3);
		for (int i = 0; i < 3; i++) {
			List<EngineMessage> messages = Collections.synchronizedList(new ArrayList<>(total));
			received.add(messages);
			this.subscriptions
				.add(this.engine.subscribe(CHANNEL, Replay.none()).ofType(EngineMessage.class).subscribe((message) -> {
					messages.add(message);
					if (messages.size() == total) {
						allReceived.countDown();
					}
				}));
		}
		Set<MessageId> published = Collections.synchronizedSet(new HashSet<>());
		ExecutorService executor = Executors.newFixedThreadPool(publishers);
		try {
			CyclicBarrier start = new CyclicBarrier(publishers);
			List<Future<?>> results = new ArrayList<>();
			for (int p = 0; p < publishers; p++) {
				int publisher = p;
				results.add(executor.submit(() -> {
					start.await();
					for (int s = 0; s < perPublisher; s++) {
						published.add(publish(CHANNEL, "ticks", publisher * 1_000_000 + s, false).id());
					}
					return null;
				}));
			}
			for (Future<?> result : results) {
				result.get(10, TimeUnit.SECONDS);
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
				int value = Integer.parseInt(new String(message.data(), StandardCharsets.UTF_8));
				int publisher = value / 1_000_000;
				assertThat(value % 1_000_000).isEqualTo(next[publisher]++);
			}
		}
		assertThat(received.get(1)).isEqualTo(received.get(0));
		assertThat(received.get(2)).isEqualTo(received.get(0));
	}

	@Test
	void whenFirstConnectThenRetainedHistoryIsReplayedOldestFirstThenLive() {
		publish(CHANNEL, "status", 1, true);
		publish(CHANNEL, "status", 2, true);
		publish(CHANNEL, "status", 3, true);
		StepVerifier.create(this.engine.subscribe(CHANNEL, Replay.all()))
			.expectNext(new EngineEvent.Subscribed(null))
			.assertNext((event) -> assertThat(data(event)).isEqualTo("1"))
			.assertNext((event) -> assertThat(data(event)).isEqualTo("2"))
			.assertNext((event) -> assertThat(data(event)).isEqualTo("3"))
			.then(() -> publish(CHANNEL, "status", 4, false))
			.assertNext((event) -> assertThat(data(event)).isEqualTo("4"))
			.thenCancel()
			.verify(TIMEOUT);
	}

	@Test
	void whenSubscribingWhilePublishingThenHistoryAndLiveJoinWithoutGapOrDuplicate() throws Exception {
		int total = 20_000;
		this.engine = engine(total, TTL, 1 << 16);
		List<MessageId> published = new CopyOnWriteArrayList<>();
		List<List<MessageId>> received = new ArrayList<>();
		CountDownLatch allReceived = new CountDownLatch(5);
		ExecutorService executor = Executors.newSingleThreadExecutor();
		try {
			Future<?> publishing = executor.submit(() -> {
				for (int i = 0; i < total; i++) {
					published.add(publish(CHANNEL, "status", i, true).id());
				}
			});
			for (int i = 0; i < 5; i++) {
				int threshold = i * total / 6;
				while (published.size() < threshold && !publishing.isDone()) {
					Thread.onSpinWait();
				}
				List<MessageId> ids = Collections.synchronizedList(new ArrayList<>(total));
				received.add(ids);
				this.subscriptions.add(this.engine.subscribe(CHANNEL, Replay.all())
					.ofType(EngineMessage.class)
					.subscribe((message) -> {
						ids.add(message.id());
						if (ids.size() == total) {
							allReceived.countDown();
						}
					}));
			}
			publishing.get(10, TimeUnit.SECONDS);
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
		publish(CHANNEL, "status", 1, true);
		StepVerifier.create(this.engine.subscribe(CHANNEL, Replay.none()))
			.expectNext(new EngineEvent.Subscribed(null))
			.then(() -> publish(CHANNEL, "status", 2, true))
			.assertNext((event) -> assertThat(data(event)).isEqualTo("2"))
			.thenCancel()
			.verify(TIMEOUT);
	}

	@Test
	void whenResumingAfterAnIdThenExactlyTheMissedMessagesAreReplayedAndRecovered() {
		List<EngineMessage> messages = new ArrayList<>();
		for (int i = 1; i <= 5; i++) {
			messages.add(publish(CHANNEL, "status", i, true));
		}
		StepVerifier.create(this.engine.subscribe(CHANNEL, Replay.after(messages.get(1).id().toString())))
			.expectNext(new EngineEvent.Subscribed(true))
			.expectNext(messages.get(2), messages.get(3), messages.get(4))
			.then(() -> publish(CHANNEL, "status", 6, true))
			.assertNext((event) -> assertThat(data(event)).isEqualTo("6"))
			.thenCancel()
			.verify(TIMEOUT);
	}

	@Test
	void whenResumingAfterTheLastIdThenNothingIsReplayedAndRecovered() {
		EngineMessage last = publish(CHANNEL, "status", 1, true);
		StepVerifier.create(this.engine.subscribe(CHANNEL, Replay.after(last.id().toString())))
			.expectNext(new EngineEvent.Subscribed(true))
			.expectNoEvent(Duration.ofMillis(50))
			.thenCancel()
			.verify(TIMEOUT);
	}

	@Test
	void whenMissedMessagesWereEvictedBySizeThenNotRecovered() {
		this.engine = engine(3, TTL, 1024);
		List<EngineMessage> messages = new ArrayList<>();
		for (int i = 1; i <= 5; i++) {
			messages.add(publish(CHANNEL, "status", i, true));
		}
		StepVerifier.create(this.engine.subscribe(CHANNEL, Replay.after(messages.get(0).id().toString())))
			.expectNext(new EngineEvent.Subscribed(false))
			.expectNext(messages.get(2), messages.get(3), messages.get(4))
			.thenCancel()
			.verify(TIMEOUT);
		StepVerifier.create(this.engine.subscribe(CHANNEL, Replay.after(messages.get(1).id().toString())))
			.expectNext(new EngineEvent.Subscribed(true))
			.expectNext(messages.get(2), messages.get(3), messages.get(4))
			.thenCancel()
			.verify(TIMEOUT);
	}

	@Test
	void whenMissedMessagesExpiredThenNotRecovered() {
		EngineMessage first = publish(CHANNEL, "status", 1, true);
		publish(CHANNEL, "status", 2, true);
		this.clock.advance(TTL.plusSeconds(1));
		EngineMessage fresh = publish(CHANNEL, "status", 3, true);
		StepVerifier.create(this.engine.subscribe(CHANNEL, Replay.after(first.id().toString())))
			.expectNext(new EngineEvent.Subscribed(false))
			.expectNext(fresh)
			.thenCancel()
			.verify(TIMEOUT);
		StepVerifier.create(this.engine.subscribe(CHANNEL, Replay.all()))
			.expectNext(new EngineEvent.Subscribed(null))
			.expectNext(fresh)
			.thenCancel()
			.verify(TIMEOUT);
	}

	@Test
	void whenWholeHistoryExpiredThenResumeIsNotRecovered() {
		EngineMessage first = publish(CHANNEL, "status", 1, true);
		publish(CHANNEL, "status", 2, true);
		this.clock.advance(TTL.plusSeconds(1));
		StepVerifier.create(this.engine.subscribe(CHANNEL, Replay.after(first.id().toString())))
			.expectNext(new EngineEvent.Subscribed(false))
			.expectNoEvent(Duration.ofMillis(50))
			.thenCancel()
			.verify(TIMEOUT);
	}

	@Test
	void whenIdIsFromAnotherEpochThenNotRecoveredAndTheHistoryIsReplayed() {
		EngineMessage message = publish(CHANNEL, "status", 1, true);
		String otherEpoch = new MessageId(1, message.id().epoch() + "0").toString();
		StepVerifier.create(this.engine.subscribe(CHANNEL, Replay.after(otherEpoch)))
			.expectNext(new EngineEvent.Subscribed(false))
			.expectNext(message)
			.thenCancel()
			.verify(TIMEOUT);
	}

	@Test
	void whenIdIsFromAnotherEngineThenNotRecovered() {
		EngineMessage elsewhere = engine(100, TTL, 1024).publish(request(CHANNEL, "status", 1, true)).block(TIMEOUT);
		StepVerifier.create(this.engine.subscribe(CHANNEL, Replay.after(elsewhere.id().toString())))
			.expectNext(new EngineEvent.Subscribed(false))
			.thenCancel()
			.verify(TIMEOUT);
	}

	@Test
	void whenIdIsMalformedThenNotRecovered() {
		EngineMessage message = publish(CHANNEL, "status", 1, true);
		StepVerifier.create(this.engine.subscribe(CHANNEL, Replay.after("not an id")))
			.expectNext(new EngineEvent.Subscribed(false))
			.expectNext(message)
			.thenCancel()
			.verify(TIMEOUT);
	}

	@Test
	void whenIdIsAheadOfTheEngineThenNotRecovered() {
		EngineMessage message = publish(CHANNEL, "status", 1, true);
		String ahead = new MessageId(message.id().offset() + 100, message.id().epoch()).toString();
		StepVerifier.create(this.engine.subscribe(CHANNEL, Replay.after(ahead)))
			.expectNext(new EngineEvent.Subscribed(false))
			.thenCancel()
			.verify(TIMEOUT);
	}

	@Test
	void whenMessagesAreNotRetainedThenTheyAreNeverReplayedAndDoNotSpoilRecovery() {
		List<EngineEvent> live = new CopyOnWriteArrayList<>();
		this.subscriptions.add(this.engine.subscribe(CHANNEL, Replay.none()).subscribe(live::add));
		EngineMessage a = publish(CHANNEL, "status", 1, true);
		EngineMessage b = publish(CHANNEL, "tokens", 2, false);
		EngineMessage c = publish(CHANNEL, "status", 3, true);
		EngineMessage d = publish(CHANNEL, "tokens", 4, false);
		assertThat(live).containsExactly(new EngineEvent.Subscribed(null), a, b, c, d);
		StepVerifier.create(this.engine.subscribe(CHANNEL, Replay.all()))
			.expectNext(new EngineEvent.Subscribed(null), a, c)
			.expectNoEvent(Duration.ofMillis(50))
			.thenCancel()
			.verify(TIMEOUT);
		StepVerifier.create(this.engine.subscribe(CHANNEL, Replay.after(a.id().toString())))
			.expectNext(new EngineEvent.Subscribed(true), c)
			.thenCancel()
			.verify(TIMEOUT);
		StepVerifier.create(this.engine.subscribe(CHANNEL, Replay.after(b.id().toString())))
			.expectNext(new EngineEvent.Subscribed(true), c)
			.thenCancel()
			.verify(TIMEOUT);
		StepVerifier.create(this.engine.subscribe(CHANNEL, Replay.after(d.id().toString())))
			.expectNext(new EngineEvent.Subscribed(true))
			.expectNoEvent(Duration.ofMillis(50))
			.thenCancel()
			.verify(TIMEOUT);
	}

	@Test
	void whenResumingAChannelThatOnlyHadLiveMessagesThenRecovered() {
		Disposable subscription = this.engine.subscribe(CHANNEL, Replay.none()).subscribe();
		EngineMessage last = publish(CHANNEL, "tokens", 1, false);
		subscription.dispose();
		assertThat(this.engine.channelCount()).isZero();
		StepVerifier.create(this.engine.subscribe(CHANNEL, Replay.after(last.id().toString())))
			.expectNext(new EngineEvent.Subscribed(true))
			.thenCancel()
			.verify(TIMEOUT);
	}

	@Test
	void whenSubscriberRequestsNothingThenItIsEndedAsSlowWithoutBlockingThePublisherOrOthers() throws Exception {
		this.engine = engine(0, TTL, 8);
		List<EngineMessage> fast = new CopyOnWriteArrayList<>();
		this.subscriptions
			.add(this.engine.subscribe(CHANNEL, Replay.none()).ofType(EngineMessage.class).subscribe(fast::add));
		StepVerifier.create(this.engine.subscribe(CHANNEL, Replay.none()), 0)
			.expectSubscription()
			.then(() -> publishInBackground(1000))
			.thenRequest(Long.MAX_VALUE)
			.expectNext(new EngineEvent.Subscribed(null))
			.expectNextCount(8)
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(SlowSubscriberException.class)
				.hasMessage("Subscriber of 'test:1' fell more than 8 messages behind"))
			.verify(TIMEOUT);
		assertThat(fast).hasSize(1000);
		assertStrictlyIncreasing(fast.stream().map(EngineMessage::id).toList());
	}

	@Test
	void whenSubscriberRequestsSlowlyThenItIsEndedAsSlowWithoutBlockingThePublisherOrOthers() throws Exception {
		this.engine = engine(0, TTL, 8);
		List<EngineMessage> fast = new CopyOnWriteArrayList<>();
		this.subscriptions
			.add(this.engine.subscribe(CHANNEL, Replay.none()).ofType(EngineMessage.class).subscribe(fast::add));
		AtomicReference<Throwable> error = new AtomicReference<>();
		AtomicInteger slowReceived = new AtomicInteger();
		CountDownLatch ended = new CountDownLatch(1);
		BaseSubscriber<EngineEvent> slow = new BaseSubscriber<>() {

			@Override
			protected void hookOnSubscribe(Subscription subscription) {
				request(1);
			}

			@Override
			protected void hookOnNext(EngineEvent event) {
				slowReceived.incrementAndGet();
				Schedulers.parallel().schedule(() -> request(1), 20, TimeUnit.MILLISECONDS);
			}

			@Override
			protected void hookOnError(Throwable ex) {
				error.set(ex);
				ended.countDown();
			}

		};
		this.engine.subscribe(CHANNEL, Replay.none()).subscribe(slow);
		publishInBackground(200);
		assertThat(ended.await(5, TimeUnit.SECONDS)).isTrue();
		assertThat(error.get()).isInstanceOf(SlowSubscriberException.class);
		assertThat(slowReceived.get()).isLessThan(200);
		assertThat(fast).hasSize(200);
	}

	@Test
	void whenSubscriberPublishesFromOnNextThenEverySubscriberStillSeesIdOrder() {
		this.subscriptions.add(this.engine.subscribe(CHANNEL, Replay.none())
			.ofType(EngineMessage.class)
			.filter((message) -> "1".equals(data(message)))
			.subscribe((message) -> publish(CHANNEL, "status", 2, true)));
		List<EngineMessage> later = new CopyOnWriteArrayList<>();
		this.subscriptions
			.add(this.engine.subscribe(CHANNEL, Replay.none()).ofType(EngineMessage.class).subscribe(later::add));
		publish(CHANNEL, "status", 1, true);
		assertThat(later).extracting(InMemoryEngineTests::data).containsExactly("1", "2");
		assertStrictlyIncreasing(later.stream().map(EngineMessage::id).toList());
	}

	@Test
	void whenSubscribingFromOnNextThenHistoryAndLiveJoinWithoutDuplicate() {
		List<EngineMessage> joined = new CopyOnWriteArrayList<>();
		this.subscriptions.add(this.engine.subscribe(CHANNEL, Replay.none())
			.ofType(EngineMessage.class)
			.filter((message) -> "1".equals(data(message)))
			.subscribe((message) -> {
				publish(CHANNEL, "status", 2, true);
				this.subscriptions.add(this.engine.subscribe(CHANNEL, Replay.all())
					.ofType(EngineMessage.class)
					.subscribe(joined::add));
			}));
		publish(CHANNEL, "status", 1, true);
		assertThat(joined).extracting(InMemoryEngineTests::data).containsExactly("1", "2");
	}

	@Test
	void whenChannelHasNoSubscriberAndNoHistoryThenItHoldsNoState() {
		Disposable subscription = this.engine.subscribe(CHANNEL, Replay.none()).subscribe();
		assertThat(this.engine.channelCount()).isOne();
		subscription.dispose();
		assertThat(this.engine.channelCount()).isZero();
	}

	@Test
	void whenPublishingNonRetainedMessagesWithoutSubscribersThenNoStateIsCreated() {
		MessageId first = publish(CHANNEL, "tokens", 1, false).id();
		MessageId second = publish(CHANNEL, "tokens", 2, false).id();
		assertThat(this.engine.channelCount()).isZero();
		assertStrictlyIncreasing(List.of(first, second));
	}

	@Test
	void whenHistoryIsOffThenRetainedMessagesCreateNoState() {
		this.engine = engine(0, TTL, 1024);
		publish(CHANNEL, "status", 1, true);
		assertThat(this.engine.channelCount()).isZero();
	}

	@Test
	void whenSlowSubscriberWasTheLastOneThenTheChannelIsDropped() {
		this.engine = engine(0, TTL, 8);
		StepVerifier.create(this.engine.subscribe(CHANNEL, Replay.none()), 0).expectSubscription().then(() -> {
			for (int i = 0; i < 9; i++) {
				publish(CHANNEL, "status", i, false);
			}
		}).then(() -> assertThat(this.engine.channelCount()).isZero()).thenCancel().verify(TIMEOUT);
	}

	@Test
	void whenHistoryExpiresThenTheSweepDropsTheChannel() throws Exception {
		this.engine = engine(100, Duration.ofSeconds(1), 1024);
		publish(CHANNEL, "status", 1, true);
		assertThat(this.engine.channelCount()).isOne();
		this.clock.advance(Duration.ofSeconds(2));
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
		while (this.engine.channelCount() > 0 && System.nanoTime() < deadline) {
			Thread.sleep(20);
		}
		assertThat(this.engine.channelCount()).isZero();
	}

	@Test
	void whenRetainedMessagesExpiredThenTheNextPublishReleasesThem() {
		// reads and the sweep evict too, but a channel nobody reads must not hold on to
		// expired messages until the next sweep
		WeakReference<EngineMessage> expired = new WeakReference<>(publish(CHANNEL, "status", 1, true));
		this.clock.advance(TTL.plusSeconds(1));
		publish(CHANNEL, "status", 2, true);
		Awaitility.await().atMost(TIMEOUT).until(() -> {
			System.gc();
			return expired.get() == null;
		});
	}

	@Test
	void whenDestroyedThenTheSweeperThreadEnds() throws Exception {
		Set<Thread> before = sweeperThreads();
		InMemoryEngine engine = engine(100, TTL, 1024);
		Set<Thread> started = sweeperThreads();
		started.removeAll(before);
		assertThat(started).hasSize(1);
		engine.destroy();
		Thread sweeper = started.iterator().next();
		sweeper.join(TIMEOUT.toMillis());
		assertThat(sweeper.isAlive()).isFalse();
	}

	@Test
	void whenDestroyedThenSubscribersComplete() {
		publish(CHANNEL, "status", 1, true);
		Flux<EngineEvent> first = this.engine.subscribe(CHANNEL, Replay.none());
		Flux<EngineEvent> second = this.engine.subscribe("test:2", Replay.none());
		StepVerifier.create(Flux.merge(first, second))
			.expectNext(new EngineEvent.Subscribed(null), new EngineEvent.Subscribed(null))
			.then(this.engine::destroy)
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void whenReadingHistoryWithoutReplayThenItIsNone() {
		publish(CHANNEL, "status", 1, true);
		assertThat(history(CHANNEL, Replay.none())).isEqualTo(History.none());
	}

	@Test
	void whenReadingAllHistoryThenTheRetainedMessagesComeOldestFirst() {
		EngineMessage a = publish(CHANNEL, "status", 1, true);
		publish(CHANNEL, "tokens", 2, false);
		EngineMessage c = publish(CHANNEL, "status", 3, true);
		publish(CHANNEL, "tokens", 4, false);
		History history = history(CHANNEL, Replay.all());
		assertThat(history.recovered()).isNull();
		assertThat(history.messages()).containsExactly(a, c);
	}

	@Test
	void whenReadingHistoryAfterAnIdThenExactlyTheLaterRetainedMessagesComeAndItIsRecovered() {
		List<EngineMessage> messages = new ArrayList<>();
		for (int i = 1; i <= 5; i++) {
			messages.add(publish(CHANNEL, "status", i, i != 4));
		}
		History history = history(CHANNEL, Replay.after(messages.get(1).id().toString()));
		assertThat(history.recovered()).isTrue();
		assertThat(history.messages()).containsExactly(messages.get(2), messages.get(4));
		History last = history(CHANNEL, Replay.after(messages.get(4).id().toString()));
		assertThat(last.recovered()).isTrue();
		assertThat(last.messages()).isEmpty();
	}

	@Test
	void whenReadingHistoryAfterAnEvictedIdThenItIsNotRecovered() {
		this.engine = engine(3, TTL, 1024);
		List<EngineMessage> messages = new ArrayList<>();
		for (int i = 1; i <= 5; i++) {
			messages.add(publish(CHANNEL, "status", i, true));
		}
		History evicted = history(CHANNEL, Replay.after(messages.get(0).id().toString()));
		assertThat(evicted.recovered()).isFalse();
		assertThat(evicted.messages()).containsExactly(messages.get(2), messages.get(3), messages.get(4));
		History kept = history(CHANNEL, Replay.after(messages.get(1).id().toString()));
		assertThat(kept.recovered()).isTrue();
		assertThat(kept.messages()).containsExactly(messages.get(2), messages.get(3), messages.get(4));
	}

	@Test
	void whenReadingHistoryAfterAnExpiredIdThenItIsNotRecovered() {
		EngineMessage first = publish(CHANNEL, "status", 1, true);
		publish(CHANNEL, "status", 2, true);
		this.clock.advance(TTL.plusSeconds(1));
		EngineMessage fresh = publish(CHANNEL, "status", 3, true);
		History history = history(CHANNEL, Replay.after(first.id().toString()));
		assertThat(history.recovered()).isFalse();
		assertThat(history.messages()).containsExactly(fresh);
	}

	@Test
	void whenReadingHistoryAfterAnIdOfAnotherEpochThenItIsNotRecoveredAndHoldsTheWholeHistory() {
		EngineMessage first = publish(CHANNEL, "status", 1, true);
		EngineMessage second = publish(CHANNEL, "status", 2, true);
		String otherEpoch = new MessageId(first.id().offset(), first.id().epoch() + "0").toString();
		History history = history(CHANNEL, Replay.after(otherEpoch));
		assertThat(history.recovered()).isFalse();
		assertThat(history.messages()).containsExactly(first, second);
	}

	@Test
	void whenReadingHistoryThenItHoldsWhatASubscriptionReplays() {
		this.engine = engine(3, TTL, 1024);
		List<EngineMessage> messages = new ArrayList<>();
		for (int i = 1; i <= 6; i++) {
			messages.add(publish(CHANNEL, "status", i, i != 5));
		}
		String otherEpoch = new MessageId(1, messages.get(0).id().epoch() + "0").toString();
		for (Replay replay : List.of(Replay.none(), Replay.all(), Replay.after(messages.get(0).id().toString()),
				Replay.after(messages.get(3).id().toString()), Replay.after(otherEpoch), Replay.after("not an id"))) {
			History history = history(CHANNEL, replay);
			StepVerifier.create(this.engine.subscribe(CHANNEL, replay))
				.expectNext(new EngineEvent.Subscribed(history.recovered()))
				.expectNextSequence(history.messages())
				.expectNoEvent(Duration.ofMillis(20))
				.thenCancel()
				.verify(TIMEOUT);
		}
	}

	@Test
	void whenReadingHistoryOfAChannelWithoutStateThenNoStateIsCreated() {
		EngineMessage message = publish(CHANNEL, "status", 1, true);
		assertThat(this.engine.channelCount()).isOne();
		assertThat(history("test:2", Replay.all())).isEqualTo(new History(null, List.of()));
		assertThat(history("test:2", Replay.after(message.id().toString())).messages()).isEmpty();
		assertThat(this.engine.channelCount()).isOne();
		this.engine = engine(0, TTL, 1024);
		publish(CHANNEL, "status", 1, true);
		assertThat(history(CHANNEL, Replay.all()).messages()).isEmpty();
		assertThat(this.engine.channelCount()).isZero();
	}

	private void publishInBackground(int count) {
		ExecutorService executor = Executors.newSingleThreadExecutor();
		try {
			Future<?> publishing = executor.submit(() -> {
				for (int i = 0; i < count; i++) {
					publish(CHANNEL, "status", i, false);
				}
			});
			publishing.get(2, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			throw new AssertionError("The publisher was blocked", ex);
		}
		finally {
			executor.shutdownNow();
		}
	}

	private static Set<Thread> sweeperThreads() {
		Set<Thread> threads = new HashSet<>();
		for (Thread thread : Thread.getAllStackTraces().keySet()) {
			if (thread.getName().startsWith("realtime-memory-sweeper") && thread.isAlive()) {
				threads.add(thread);
			}
		}
		return threads;
	}

	private History history(String channel, Replay replay) {
		return this.engine.history(channel, replay).block(TIMEOUT);
	}

	private InMemoryEngine engine(int historySize, Duration historyTtl, int subscriberBuffer) {
		InMemoryEngine engine = new InMemoryEngine(historySize, historyTtl, subscriberBuffer, this.clock);
		this.engines.add(engine);
		return engine;
	}

	private EngineMessage publish(String channel, String topic, int value, boolean retain) {
		return this.engine.publish(request(channel, topic, value, retain)).block(TIMEOUT);
	}

	private static PublishRequest request(String channel, String topic, int value, boolean retain) {
		return new PublishRequest(channel, topic, bytes(Integer.toString(value)), null, MessageKind.DATA, retain);
	}

	private static String data(EngineEvent event) {
		assertThat(event).isInstanceOf(EngineMessage.class);
		return new String(((EngineMessage) event).data(), StandardCharsets.UTF_8);
	}

	private static byte[] bytes(String json) {
		return json.getBytes(StandardCharsets.UTF_8);
	}

	private static void assertStrictlyIncreasing(List<MessageId> ids) {
		for (int i = 1; i < ids.size(); i++) {
			assertThat(ids.get(i).offset()).isGreaterThan(ids.get(i - 1).offset());
		}
	}

}
