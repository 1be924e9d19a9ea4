package dev.realtime.delivery;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.realtime.MessageKind;
import dev.realtime.engine.ChannelListener;
import dev.realtime.engine.EngineEvent;
import dev.realtime.engine.EngineMessage;
import dev.realtime.engine.History;
import dev.realtime.engine.MessageId;
import dev.realtime.engine.PublishRequest;
import dev.realtime.engine.RealtimeEngine;
import dev.realtime.engine.Replay;
import dev.realtime.engine.memory.InMemoryEngine;
import org.awaitility.core.ConditionFactory;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link LocalFanOut}, with a real {@link InMemoryEngine} and loops that are
 * single-threaded Reactor workers.
 *
 * @author Realtime team
 */
class LocalFanOutTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	private static final Duration TTL = Duration.ofMinutes(10);

	private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(5);

	private static final String CHANNEL = "test:1";

	private final List<InMemoryEngine> engines = new ArrayList<>();

	private final List<Scheduler> schedulers = new ArrayList<>();

	private final List<CountDownLatch> blocks = new ArrayList<>();

	private final List<Disposable> memberships = new ArrayList<>();

	private InMemoryEngine memory = engine(100);

	private CountingEngine engine = new CountingEngine(this.memory);

	private LocalFanOut fanOut = new LocalFanOut(this.engine, 1024, WRITE_TIMEOUT);

	@AfterEach
	void stop() {
		this.blocks.forEach(CountDownLatch::countDown);
		this.memberships.forEach(Disposable::dispose);
		this.engines.forEach(InMemoryEngine::destroy);
		this.schedulers.forEach(Scheduler::dispose);
	}

	@Test
	void whenSubscribersJoinOneChannelThenTheyShareOneCopyOfItsName() {
		TestLoop loop = loop("a");
		String first = new String(CHANNEL.toCharArray());
		String second = new String(CHANNEL.toCharArray());
		LocalFanOut.Membership one = this.fanOut.join(new RecordingSubscriber(first, loop.loop(), null));
		LocalFanOut.Membership two = this.fanOut.join(new RecordingSubscriber(second, loop.loop(), null));
		this.memberships.add(one);
		this.memberships.add(two);
		assertThat(one.channel()).isEqualTo(CHANNEL).isSameAs(two.channel());
	}

	@Test
	void whenChannelIsLiveThenEveryMessagePublishedAfterwardsReachesEverySubscriberOnceInIdOrder() {
		TestLoop loop = loop("a");
		RecordingSubscriber first = join(loop);
		first.awaitLive();
		RecordingSubscriber second = join(loop);
		RecordingSubscriber third = join(loop("b"));
		second.awaitLive();
		third.awaitLive();
		List<MessageId> published = new ArrayList<>();
		for (int i = 0; i < 500; i++) {
			published.add(publish(CHANNEL, i).id());
		}
		for (RecordingSubscriber subscriber : List.of(first, second, third)) {
			subscriber.awaitMessages(published.size());
			assertThat(subscriber.ids()).isEqualTo(published);
			assertThat(subscriber.liveCount()).isOne();
			assertThat(subscriber.error()).isNull();
		}
		assertThat(first.threads()).containsExactly(loop.thread());
		assertThat(second.threads()).containsExactly(loop.thread());
	}

	@Test
	void whenSubscribersAreOnTwoLoopsThenEachLoopGetsTheMessagesIndependently() {
		TestLoop a = loop("a");
		TestLoop b = loop("b");
		RecordingSubscriber onA = join(a);
		RecordingSubscriber onB = join(b);
		onA.awaitLive();
		onB.awaitLive();
		CountDownLatch release = block(a);
		List<MessageId> published = new ArrayList<>();
		for (int i = 0; i < 10; i++) {
			published.add(publish(CHANNEL, i).id());
		}
		onB.awaitMessages(10);
		assertThat(onB.ids()).isEqualTo(published);
		assertThat(onA.ids()).isEmpty();
		release.countDown();
		onA.awaitMessages(10);
		assertThat(onA.ids()).isEqualTo(published);
		assertThat(onA.threads()).containsExactly(a.thread());
		assertThat(onB.threads()).containsExactly(b.thread());
	}

	@Test
	void whenSeveralSubscribersShareAChannelThenTheyShareOneEngineSubscriptionAndEachTakesEveryMessage() {
		TestLoop a = loop("a");
		TestLoop b = loop("b");
		List<RecordingSubscriber> subscribers = List.of(join(a), join(a), join(a), join(b), join(b));
		RecordingSubscriber other = join(a, "test:2");
		subscribers.forEach(RecordingSubscriber::awaitLive);
		other.awaitLive();
		assertThat(this.engine.subscribed()).as("one engine subscription per channel").isEqualTo(2);
		assertThat(this.engine.open()).isEqualTo(2);
		assertThat(this.fanOut.channelCount()).isEqualTo(2);
		assertThat(this.memory.channelCount()).isEqualTo(2);
		EngineMessage message = publish(CHANNEL, 1);
		for (RecordingSubscriber subscriber : subscribers) {
			subscriber.awaitMessages(1);
			assertThat(subscriber.messages()).singleElement().isSameAs(message);
		}
		assertThat(other.messages()).isEmpty();
	}

	@Test
	void whenMessagesWaitForALoopThenEachSubscriberTakesThemAllBeforeOneFlush() {
		TestLoop loop = loop("a");
		RecordingSubscriber first = join(loop);
		RecordingSubscriber second = join(loop);
		first.awaitLive();
		second.awaitLive();
		CountDownLatch release = block(loop);
		List<String> expected = new ArrayList<>(List.of("live"));
		for (int i = 0; i < 10; i++) {
			expected.add("accept " + publish(CHANNEL, i).id());
		}
		expected.add("flush");
		release.countDown();
		first.awaitFlushes(1);
		second.awaitFlushes(1);
		assertThat(first.calls()).isEqualTo(expected);
		assertThat(second.calls()).isEqualTo(expected);
	}

	@Test
	void whenMoreMessagesWaitThanOneBatchThenEachSubscriberFlushesAfterEveryBatch() {
		TestLoop loop = loop("a");
		RecordingSubscriber subscriber = join(loop);
		subscriber.awaitLive();
		CountDownLatch release = block(loop);
		for (int i = 0; i < 100; i++) {
			publish(CHANNEL, i);
		}
		release.countDown();
		subscriber.awaitFlushes(2);
		List<String> calls = subscriber.calls();
		assertThat(calls).hasSize(1 + 100 + 2);
		assertThat(calls.subList(1, 65)).allMatch((call) -> call.startsWith("accept "));
		assertThat(calls.get(65)).isEqualTo("flush");
		assertThat(calls.subList(66, 102)).allMatch((call) -> call.startsWith("accept "));
		assertThat(calls.get(102)).isEqualTo("flush");
	}

	@Test
	void whenMessagesArriveOneByOneThenEachIsFlushedAtOnce() {
		RecordingSubscriber subscriber = join(loop("a"));
		subscriber.awaitLive();
		List<String> expected = new ArrayList<>(List.of("live"));
		for (int i = 0; i < 3; i++) {
			expected.add("accept " + publish(CHANNEL, i).id());
			expected.add("flush");
			subscriber.awaitFlushes(i + 1);
		}
		assertThat(subscriber.calls()).isEqualTo(expected);
	}

	@Test
	void whenASubscriberLeavesThenItTakesNothingMoreWhileTheOthersGoOn() {
		TestLoop loop = loop("a");
		RecordingSubscriber leaving = join(loop);
		RecordingSubscriber staying = join(loop);
		leaving.awaitLive();
		staying.awaitLive();
		EngineMessage before = publish(CHANNEL, 1);
		leaving.awaitMessages(1);
		staying.awaitMessages(1);
		leaving.leave();
		leaving.leave();
		EngineMessage after = publish(CHANNEL, 2);
		staying.awaitMessages(2);
		assertThat(staying.messages()).containsExactly(before, after);
		// both are on one loop, which handled the leave before the second message
		assertThat(leaving.messages()).containsExactly(before);
		assertThat(leaving.calls()).containsExactly("live", "accept " + before.id(), "flush");
		assertThat(this.engine.open()).as("leaving twice counts once").isOne();
		assertThat(this.fanOut.channelCount()).isOne();
	}

	@Test
	void whenTheLastSubscriberLeavesThenTheEngineSubscriptionEndsAndANewJoinSubscribesAgain() {
		this.memory = engine(0);
		this.engine = new CountingEngine(this.memory);
		this.fanOut = new LocalFanOut(this.engine, 1024, WRITE_TIMEOUT);
		TestLoop a = loop("a");
		TestLoop b = loop("b");
		RecordingSubscriber first = join(a);
		RecordingSubscriber second = join(b);
		first.awaitLive();
		second.awaitLive();
		assertThat(this.memory.channelCount()).isOne();
		first.leave();
		assertThat(this.engine.open()).isOne();
		second.leave();
		assertThat(this.engine.open()).isZero();
		assertThat(this.fanOut.channelCount()).isZero();
		assertThat(this.memory.channelCount()).isZero();
		publish(CHANNEL, 1);
		RecordingSubscriber next = join(a);
		next.awaitLive();
		assertThat(this.engine.subscribed()).isEqualTo(2);
		assertThat(this.engine.open()).isOne();
		assertThat(this.fanOut.channelCount()).isOne();
		assertThat(this.memory.channelCount()).isOne();
		EngineMessage message = publish(CHANNEL, 2);
		next.awaitMessages(1);
		assertThat(next.messages()).containsExactly(message);
		assertThat(first.calls()).containsExactly("live");
		assertThat(second.calls()).containsExactly("live");
	}

	@Test
	void whenJoiningWhileMessagesArePublishedThenNothingPublishedAfterLiveIsMissed() throws Exception {
		int total = 5_000;
		this.fanOut = new LocalFanOut(this.engine, total + 1, WRITE_TIMEOUT);
		List<TestLoop> loops = List.of(loop("a"), loop("b"));
		RecordingSubscriber early = join(loops.get(0));
		early.awaitLive();
		MessageId[] published = new MessageId[total];
		AtomicInteger started = new AtomicInteger();
		List<RecordingSubscriber> joiners = new ArrayList<>();
		ExecutorService executor = Executors.newSingleThreadExecutor();
		try {
			Future<?> publishing = executor.submit(() -> {
				for (int i = 0; i < total; i++) {
					// counted before publishing: a subscriber whose live() sees the count
					// must get this message and every later one
					int index = started.getAndIncrement();
					published[index] = publish(CHANNEL, index).id();
				}
			});
			for (int i = 1; i <= 6; i++) {
				int threshold = i * total / 8;
				while (started.get() < threshold && !publishing.isDone()) {
					Thread.onSpinWait();
				}
				joiners.add(join(loops.get(i % 2), started));
			}
			publishing.get(10, TimeUnit.SECONDS);
		}
		finally {
			executor.shutdownNow();
		}
		joiners.forEach(RecordingSubscriber::awaitLive);
		// every subscriber is live now, so every one must get this one
		MessageId last = publish(CHANNEL, total).id();
		List<MessageId> all = new ArrayList<>(List.of(published));
		all.add(last);
		early.awaitMessages(all.size());
		assertThat(early.ids()).isEqualTo(all);
		for (RecordingSubscriber joiner : joiners) {
			awaitAtMost().until(() -> last.equals(joiner.lastId()));
			List<MessageId> ids = joiner.ids();
			assertThat(ids).as("a contiguous tail of what was published")
				.isEqualTo(all.subList(all.size() - ids.size(), all.size()));
			assertThat(ids.size()).as("everything published after live()")
				.isGreaterThanOrEqualTo(all.size() - joiner.startedAtLive());
			assertThat(joiner.liveCount()).isOne();
		}
	}

	@Test
	void whenMoreMessagesWaitForALoopThanItsBacklogThenItsSubscribersEndAsSlowAndOtherLoopsGoOn() {
		// however small the subscribers' own queues, a loop may be a burst behind
		this.fanOut = new LocalFanOut(this.engine, 8, WRITE_TIMEOUT);
		int backlog = LocalFanOut.MIN_LOOP_BACKLOG;
		TestLoop slow = loop("slow");
		RecordingSubscriber first = join(slow);
		RecordingSubscriber second = join(slow);
		RecordingSubscriber fast = join(loop("fast"));
		first.awaitLive();
		second.awaitLive();
		fast.awaitLive();
		CountDownLatch release = block(slow);
		List<MessageId> published = new ArrayList<>();
		for (int i = 0; i < backlog + 4; i++) {
			published.add(publish(CHANNEL, i).id());
			// one at a time, so that nothing piles up for the loop that keeps up
			fast.awaitMessages(i + 1);
		}
		release.countDown();
		for (RecordingSubscriber subscriber : List.of(first, second)) {
			subscriber.awaitEnded();
			assertThat(subscriber.error()).isInstanceOf(SlowSubscriberException.class)
				.hasMessage("Subscriber of 'test:1' fell more than " + backlog + " messages behind");
			assertThat(subscriber.ids()).isEqualTo(published.subList(0, backlog));
			assertThat(subscriber.calls()).last().isEqualTo("ended SlowSubscriberException");
		}
		assertThat(fast.ids()).isEqualTo(published);
		EngineMessage later = publish(CHANNEL, backlog + 4);
		fast.awaitMessages(backlog + 5);
		assertThat(fast.messages()).last().isSameAs(later);
		assertThat(fast.endedCount()).isZero();
		assertThat(first.endedCount()).isOne();
		assertThat(second.endedCount()).isOne();
	}

	@Test
	void whenALoopOverflowedThenANewSubscriberOnThatLoopStillTakesTheMessages() {
		this.fanOut = new LocalFanOut(this.engine, 4, WRITE_TIMEOUT);
		TestLoop loop = loop("a");
		RecordingSubscriber slow = join(loop);
		slow.awaitLive();
		CountDownLatch release = block(loop);
		for (int i = 0; i <= LocalFanOut.MIN_LOOP_BACKLOG; i++) {
			publish(CHANNEL, i);
		}
		release.countDown();
		slow.awaitEnded();
		RecordingSubscriber next = join(loop);
		next.awaitLive();
		EngineMessage message = publish(CHANNEL, -1);
		next.awaitMessages(1);
		assertThat(next.messages()).containsExactly(message);
		assertThat(this.engine.subscribed()).isOne();
		slow.leave();
		EngineMessage after = publish(CHANNEL, -2);
		next.awaitMessages(2);
		assertThat(next.messages()).containsExactly(message, after);
		assertThat(slow.ids()).hasSize(LocalFanOut.MIN_LOOP_BACKLOG);
	}

	@Test
	void whenTheEngineCompletesThenEverySubscriberEndsWithoutError() {
		TestLoop a = loop("a");
		TestLoop b = loop("b");
		List<RecordingSubscriber> subscribers = List.of(join(a), join(a), join(b));
		subscribers.forEach(RecordingSubscriber::awaitLive);
		this.memory.destroy();
		for (RecordingSubscriber subscriber : subscribers) {
			subscriber.awaitEnded();
			assertThat(subscriber.calls()).containsExactly("live", "ended null");
		}
		assertThat(subscribers.get(0).threads()).containsExactly(a.thread());
		assertThat(subscribers.get(2).threads()).containsExactly(b.thread());
		assertThat(this.fanOut.channelCount()).isZero();
		assertThat(this.engine.open()).isZero();
	}

	@Test
	void whenAJavaSubscriberRequestsLittleThenMessagesWaitForItInOrderWithoutLoss() {
		List<EngineMessage> published = new ArrayList<>();
		StepVerifier.create(this.fanOut.subscribe(CHANNEL, Set.of("status"), Replay.none()), 1)
			.expectNext(new EngineEvent.Subscribed(null))
			.then(() -> {
				for (int i = 0; i < 20; i++) {
					published.add(publish(CHANNEL, i));
				}
			})
			.expectNoEvent(Duration.ofMillis(50))
			.thenRequest(5)
			.expectNextCount(5)
			.thenRequest(15)
			.expectNextCount(15)
			.thenCancel()
			.verify(TIMEOUT);
		assertThat(this.engine.subscribed()).isOne();
	}

	@Test
	void whenMessagesWaitForASubscriberThenTheQueueDepthCountsThemUntilItTakesThem() {
		assertThat(this.fanOut.maxQueueDepth()).isZero();
		StepVerifier.create(this.fanOut.subscribe(CHANNEL, Set.of("status"), Replay.none()), 1)
			.expectNext(new EngineEvent.Subscribed(null))
			.then(() -> {
				for (int i = 0; i < 20; i++) {
					publish(CHANNEL, i);
				}
				awaitAtMost().untilAsserted(() -> assertThat(this.fanOut.maxQueueDepth()).isEqualTo(20));
			})
			.thenRequest(20)
			.expectNextCount(20)
			.then(() -> awaitAtMost().untilAsserted(() -> assertThat(this.fanOut.maxQueueDepth()).isZero()))
			.thenCancel()
			.verify(TIMEOUT);
	}

	@Test
	void whenAJavaSubscriberJoinsThenEveryMessagePublishedAfterTheSubscriptionReachesIt() {
		List<EngineEvent> events = new CopyOnWriteArrayList<>();
		Disposable subscription = this.fanOut.subscribe(CHANNEL, Set.of("status"), Replay.none())
			.subscribe(events::add);
		this.memberships.add(subscription);
		EngineMessage message = publish(CHANNEL, 1);
		awaitAtMost()
			.untilAsserted(() -> assertThat(events).containsExactly(new EngineEvent.Subscribed(null), message));
	}

	@Test
	void whenAJavaSubscriberCancelsThenItGetsNothingMoreAndTheChannelIsReleased() {
		List<EngineEvent> events = new CopyOnWriteArrayList<>();
		Disposable subscription = this.fanOut.subscribe(CHANNEL, Set.of("status"), Replay.none())
			.subscribe(events::add);
		publish(CHANNEL, 1);
		awaitAtMost().untilAsserted(() -> assertThat(events).hasSize(2));
		subscription.dispose();
		awaitAtMost().untilAsserted(() -> assertThat(this.engine.open()).isZero());
		assertThat(this.fanOut.channelCount()).isZero();
		publish(CHANNEL, 2);
		assertThat(events).hasSize(2);
	}

	@Test
	void whenAJavaSubscriberFiltersTopicsThenRunMessagesStillPass() {
		List<EngineEvent> events = new CopyOnWriteArrayList<>();
		this.memberships.add(this.fanOut.subscribe(CHANNEL, Set.of("other"), Replay.none()).subscribe(events::add));
		publish(CHANNEL, 1);
		EngineMessage run = this.memory
			.publish(new PublishRequest(CHANNEL, "$run", "{}".getBytes(StandardCharsets.UTF_8), "run-1",
					MessageKind.RUN, true))
			.block(TIMEOUT);
		awaitAtMost().untilAsserted(() -> assertThat(events).containsExactly(new EngineEvent.Subscribed(null), run));
	}

	private InMemoryEngine engine(int historySize) {
		InMemoryEngine engine = new InMemoryEngine(historySize, TTL, Clock.systemUTC());
		this.engines.add(engine);
		return engine;
	}

	private TestLoop loop(String name) {
		Scheduler scheduler = Schedulers.newSingle("fan-out-" + name);
		this.schedulers.add(scheduler);
		StreamLoop loop = StreamLoop.of(scheduler.createWorker());
		CompletableFuture<Thread> thread = CompletableFuture.supplyAsync(Thread::currentThread, loop);
		return new TestLoop(loop, thread.orTimeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).join());
	}

	/**
	 * Keep a loop busy until the returned latch is released, so that messages wait for
	 * it.
	 * @param loop the loop
	 * @return the latch that releases the loop
	 */
	private CountDownLatch block(TestLoop loop) {
		CountDownLatch blocked = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		this.blocks.add(release);
		loop.loop().execute(() -> {
			blocked.countDown();
			try {
				release.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		});
		awaitLatch(blocked);
		return release;
	}

	private RecordingSubscriber join(TestLoop loop) {
		return join(loop, CHANNEL);
	}

	private RecordingSubscriber join(TestLoop loop, String channel) {
		return join(new RecordingSubscriber(channel, loop.loop(), null));
	}

	private RecordingSubscriber join(TestLoop loop, AtomicInteger started) {
		return join(new RecordingSubscriber(CHANNEL, loop.loop(), started));
	}

	private RecordingSubscriber join(RecordingSubscriber subscriber) {
		Disposable membership = this.fanOut.join(subscriber);
		subscriber.membership = membership;
		this.memberships.add(membership);
		return subscriber;
	}

	private EngineMessage publish(String channel, int value) {
		return this.memory
			.publish(new PublishRequest(channel, "status", Integer.toString(value).getBytes(StandardCharsets.UTF_8),
					null, MessageKind.DATA, true))
			.block(TIMEOUT);
	}

	private static ConditionFactory awaitAtMost() {
		return await().atMost(TIMEOUT).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(5));
	}

	private static void awaitLatch(CountDownLatch latch) {
		try {
			assertThat(latch.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError(ex);
		}
	}

	/**
	 * A loop of the test and its thread.
	 *
	 * @param loop the loop
	 * @param thread the thread it runs on
	 */
	private record TestLoop(StreamLoop loop, Thread thread) {

	}

	/**
	 * A subscriber that records every call and the threads they came on.
	 */
	private static final class RecordingSubscriber implements LocalFanOut.FanOutSubscriber {

		private final String channel;

		private final StreamLoop loop;

		private final @Nullable AtomicInteger started;

		private final List<String> calls = new CopyOnWriteArrayList<>();

		private final List<EngineMessage> messages = new CopyOnWriteArrayList<>();

		private final Set<Thread> threads = Collections.synchronizedSet(new LinkedHashSet<>());

		private final CountDownLatch live = new CountDownLatch(1);

		private final CountDownLatch ended = new CountDownLatch(1);

		private final AtomicInteger liveCount = new AtomicInteger();

		private final AtomicInteger flushCount = new AtomicInteger();

		private final AtomicInteger endedCount = new AtomicInteger();

		private volatile int startedAtLive = -1;

		private volatile @Nullable Throwable error;

		private @Nullable Disposable membership;

		RecordingSubscriber(String channel, StreamLoop loop, @Nullable AtomicInteger started) {
			this.channel = channel;
			this.loop = loop;
			this.started = started;
		}

		@Override
		public String channel() {
			return this.channel;
		}

		@Override
		public StreamLoop loop() {
			return this.loop;
		}

		@Override
		public void live() {
			if (this.started != null) {
				this.startedAtLive = this.started.get();
			}
			record("live");
			this.liveCount.incrementAndGet();
			this.live.countDown();
		}

		@Override
		public void accept(EngineMessage message) {
			record("accept " + message.id());
			this.messages.add(message);
		}

		@Override
		public void flush() {
			record("flush");
			this.flushCount.incrementAndGet();
		}

		@Override
		public void ended(@Nullable Throwable error) {
			this.error = error;
			record("ended " + ((error != null) ? error.getClass().getSimpleName() : null));
			this.endedCount.incrementAndGet();
			this.ended.countDown();
		}

		private void record(String call) {
			this.threads.add(Thread.currentThread());
			this.calls.add(call);
		}

		void leave() {
			assertThat(this.membership).isNotNull();
			this.membership.dispose();
		}

		void awaitLive() {
			awaitLatch(this.live);
		}

		void awaitEnded() {
			awaitLatch(this.ended);
		}

		void awaitMessages(int count) {
			awaitAtMost().untilAsserted(() -> assertThat(ids()).hasSizeGreaterThanOrEqualTo(count));
		}

		void awaitFlushes(int count) {
			awaitAtMost().until(() -> this.flushCount.get() >= count);
		}

		List<String> calls() {
			return List.copyOf(this.calls);
		}

		List<EngineMessage> messages() {
			return List.copyOf(this.messages);
		}

		List<MessageId> ids() {
			return this.messages.stream().map(EngineMessage::id).toList();
		}

		@Nullable MessageId lastId() {
			List<EngineMessage> messages = messages();
			return messages.isEmpty() ? null : messages.get(messages.size() - 1).id();
		}

		Set<Thread> threads() {
			return Set.copyOf(this.threads);
		}

		int liveCount() {
			return this.liveCount.get();
		}

		int endedCount() {
			return this.endedCount.get();
		}

		int startedAtLive() {
			return this.startedAtLive;
		}

		@Nullable Throwable error() {
			return this.error;
		}

	}

	/**
	 * An engine that counts the subscriptions of the engine it wraps.
	 */
	private static final class CountingEngine implements RealtimeEngine {

		private final RealtimeEngine engine;

		private final AtomicInteger subscribed = new AtomicInteger();

		private final AtomicInteger open = new AtomicInteger();

		CountingEngine(RealtimeEngine engine) {
			this.engine = engine;
		}

		@Override
		public Mono<EngineMessage> publish(PublishRequest request) {
			return this.engine.publish(request);
		}

		@Override
		public Disposable listen(String channel, ChannelListener listener) {
			this.subscribed.incrementAndGet();
			this.open.incrementAndGet();
			Disposable listening = this.engine.listen(channel, listener);
			return () -> {
				listening.dispose();
				this.open.decrementAndGet();
			};
		}

		@Override
		public Mono<History> history(String channel, Replay replay) {
			return this.engine.history(channel, replay);
		}

		int subscribed() {
			return this.subscribed.get();
		}

		int open() {
			return this.open.get();
		}

	}

}
