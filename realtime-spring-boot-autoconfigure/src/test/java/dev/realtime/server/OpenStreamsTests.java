package dev.realtime.server;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.realtime.delivery.StreamLoop;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Hooks;
import reactor.core.scheduler.Schedulers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link OpenStreams}, with loops that are single-threaded executors counting
 * their periodic tasks.
 *
 * @author Realtime team
 */
class OpenStreamsTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	private static final Duration TICK = Duration.ofMillis(10);

	/** The open ticks of a test stream that throws on its first tick. */
	private static final int FAILS = -1;

	private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");

	private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);

	private final ShutdownSignal signal = new ShutdownSignal();

	private final OpenStreams streams = new OpenStreams(TICK, this.clock, this.signal);

	private final List<TestLoop> loops = new ArrayList<>();

	@AfterEach
	void stop() {
		this.signal.stop();
		this.loops.forEach(TestLoop::shutdown);
	}

	@Test
	void whenStreamsAreOpenThenEachIsTickedOnItsLoopWithTheClockTime() {
		TestLoop a = loop("a");
		TestLoop b = loop("b");
		TestStream first = new TestStream(a, Integer.MAX_VALUE);
		TestStream second = new TestStream(a, Integer.MAX_VALUE);
		TestStream third = new TestStream(b, Integer.MAX_VALUE);
		add(first, second, third);
		for (TestStream stream : List.of(first, second, third)) {
			stream.awaitTicks(3);
			assertThat(stream.times()).containsOnly(NOW.toEpochMilli());
			assertThat(stream.threads()).containsExactly(stream.loop().thread());
		}
		assertThat(a.periods()).as("one tick for all the streams of a loop").containsExactly(TICK);
		assertThat(b.periods()).containsExactly(TICK);
		assertThat(a.cancelled()).isZero();
	}

	@Test
	void whenATickReturnsFalseThenTheStreamIsNotTickedAgain() {
		TestLoop loop = loop("a");
		TestStream ending = new TestStream(loop, 1);
		TestStream open = new TestStream(loop, Integer.MAX_VALUE);
		add(ending, open);
		open.awaitTicks(5);
		assertThat(ending.ticks()).isOne();
		assertThat(loop.cancelled()).isZero();
	}

	@Test
	void whenAStreamFailsOnATickThenItIsDroppedAndTheOtherStreamsOfItsLoopAreStillTicked() {
		TestLoop loop = loop("a");
		TestStream failing = new TestStream(loop, FAILS);
		TestStream open = new TestStream(loop, Integer.MAX_VALUE);
		add(failing, open);
		open.awaitTicks(5);
		assertThat(failing.ticks()).isOne();
		assertThat(loop.cancelled()).isZero();
	}

	@Test
	void whenALoopHasNoStreamsLeftThenItStopsTickingUntilAStreamIsAdded() throws Exception {
		TestLoop loop = loop("a");
		TestLoop other = loop("b");
		TestStream ending = new TestStream(loop, 2);
		TestStream elsewhere = new TestStream(other, Integer.MAX_VALUE);
		add(ending, elsewhere);
		awaitAtMost().until(() -> loop.cancelled() == 1);
		int runs = loop.runs();
		Thread.sleep(TICK.multipliedBy(5).toMillis());
		assertThat(loop.runs()).as("no tick once the loop has no streams").isEqualTo(runs);
		assertThat(ending.ticks()).isEqualTo(2);
		assertThat(other.cancelled()).isZero();
		TestStream next = new TestStream(loop, Integer.MAX_VALUE);
		add(next);
		next.awaitTicks(2);
		assertThat(loop.periods()).containsExactly(TICK, TICK);
		assertThat(loop.cancelled()).isOne();
	}

	@Test
	void whenTheApplicationStopsThenEveryStreamIsShutDownOnItsLoop() {
		TestLoop a = loop("a");
		TestLoop b = loop("b");
		List<TestStream> open = List.of(new TestStream(a, Integer.MAX_VALUE), new TestStream(a, Integer.MAX_VALUE),
				new TestStream(b, Integer.MAX_VALUE));
		add(open.toArray(TestStream[]::new));
		assertThat(this.streams.isStopping()).isFalse();
		this.signal.stop();
		assertThat(this.streams.isStopping()).isTrue();
		for (TestStream stream : open) {
			awaitAtMost().until(() -> stream.shutdowns() == 1);
			assertThat(stream.threads()).containsExactly(stream.loop().thread());
		}
		// the streams ended, so the loops have nothing left to tick
		awaitAtMost().until(() -> a.cancelled() == 1 && b.cancelled() == 1);
		open.forEach((stream) -> assertThat(stream.shutdowns()).isOne());
	}

	@Test
	void whenALoopWasShutDownBeforeTheApplicationStopsThenTheOtherLoopsStillEndTheirStreamsAndNothingFails() {
		TestLoop gone = loop("gone");
		TestLoop alive = loop("alive");
		TestStream orphan = new TestStream(gone, Integer.MAX_VALUE);
		TestStream open = new TestStream(alive, Integer.MAX_VALUE);
		add(orphan, open);
		gone.shutdown();
		List<Throwable> dropped = new CopyOnWriteArrayList<>();
		Hooks.onErrorDropped(dropped::add);
		try {
			this.signal.stop();
		}
		finally {
			Hooks.resetOnErrorDropped();
		}
		awaitAtMost().until(() -> open.shutdowns() == 1);
		assertThat(dropped).isEmpty();
		assertThat(orphan.shutdowns()).isZero();
	}

	@Test
	void whenAStreamIsAddedAfterTheApplicationStoppedThenItIsShutDownAtOnce() {
		TestLoop loop = loop("a");
		this.signal.stop();
		TestStream late = new TestStream(loop, Integer.MAX_VALUE);
		add(late);
		assertThat(late.shutdowns()).isOne();
		assertThat(late.threads()).containsExactly(loop.thread());
		assertThat(loop.periods()).as("never ticked").isEmpty();
	}

	@Test
	void whenWorkerLoopsAreHandedOutThenTheyTakeTurnsAndStillRunAfterTheApplicationStopped() throws Exception {
		int size = Schedulers.DEFAULT_POOL_SIZE;
		List<StreamLoop> handedOut = new ArrayList<>();
		for (int i = 0; i < 2 * size; i++) {
			handedOut.add(this.streams.workerLoop());
		}
		assertThat(new HashSet<>(handedOut)).hasSize(size);
		assertThat(handedOut.subList(size, 2 * size)).isEqualTo(handedOut.subList(0, size));
		assertThat(handedOut).allMatch(StreamLoop.WorkerStreamLoop.class::isInstance);
		this.signal.stop();
		// a stream that comes while the application stops still ends on its loop
		CountDownLatch ran = new CountDownLatch(1);
		this.streams.workerLoop().execute(ran::countDown);
		assertThat(ran.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
	}

	private static ConditionFactory awaitAtMost() {
		return await().atMost(TIMEOUT).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(5));
	}

	private TestLoop loop(String name) {
		TestLoop loop = new TestLoop(name);
		this.loops.add(loop);
		return loop;
	}

	/**
	 * Add streams on their loops, as streams add themselves, and wait until they are.
	 * @param added the streams
	 */
	private void add(TestStream... added) {
		for (TestStream stream : added) {
			CompletableFuture.runAsync(() -> this.streams.add(stream), stream.loop())
				.orTimeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
				.join();
		}
	}

	/**
	 * A loop on a thread of its own that records its periodic tasks.
	 */
	private static final class TestLoop implements StreamLoop {

		private final ScheduledExecutorService executor;

		private final Thread thread;

		private final List<Duration> periods = new CopyOnWriteArrayList<>();

		private final AtomicInteger runs = new AtomicInteger();

		private final AtomicInteger cancelled = new AtomicInteger();

		TestLoop(String name) {
			this.executor = Executors.newSingleThreadScheduledExecutor((task) -> new Thread(task, "loop-" + name));
			this.thread = CompletableFuture.supplyAsync(Thread::currentThread, this.executor)
				.orTimeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
				.join();
		}

		@Override
		public void execute(Runnable task) {
			this.executor.execute(task);
		}

		@Override
		public Disposable schedule(Runnable task, Duration delay) {
			ScheduledFuture<?> future = this.executor.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
			return () -> future.cancel(false);
		}

		@Override
		public Disposable schedulePeriodically(Runnable task, Duration period) {
			this.periods.add(period);
			long millis = period.toMillis();
			ScheduledFuture<?> future = this.executor.scheduleAtFixedRate(() -> {
				this.runs.incrementAndGet();
				task.run();
			}, millis, millis, TimeUnit.MILLISECONDS);
			return () -> {
				if (future.cancel(false)) {
					this.cancelled.incrementAndGet();
				}
			};
		}

		Thread thread() {
			return this.thread;
		}

		List<Duration> periods() {
			return List.copyOf(this.periods);
		}

		int runs() {
			return this.runs.get();
		}

		int cancelled() {
			return this.cancelled.get();
		}

		void shutdown() {
			this.executor.shutdownNow();
		}

	}

	/**
	 * A stream that records its ticks and stays open for a given number of them, or until
	 * it is shut down.
	 */
	private static final class TestStream implements OpenStreams.Stream {

		private final TestLoop loop;

		private final int openTicks;

		private final List<Long> times = new CopyOnWriteArrayList<>();

		private final Set<Thread> threads = new CopyOnWriteArraySet<>();

		private final AtomicInteger shutdowns = new AtomicInteger();

		TestStream(TestLoop loop, int openTicks) {
			this.loop = loop;
			this.openTicks = openTicks;
		}

		@Override
		public TestLoop loop() {
			return this.loop;
		}

		@Override
		public boolean tick(long now) {
			this.threads.add(Thread.currentThread());
			this.times.add(now);
			if (this.openTicks == FAILS) {
				throw new IllegalStateException("A stream that fails on its tick");
			}
			return this.shutdowns.get() == 0 && this.times.size() < this.openTicks;
		}

		@Override
		public void shutdown() {
			this.threads.add(Thread.currentThread());
			this.shutdowns.incrementAndGet();
		}

		void awaitTicks(int count) {
			awaitAtMost().until(() -> this.times.size() >= count);
		}

		int ticks() {
			return this.times.size();
		}

		List<Long> times() {
			return List.copyOf(this.times);
		}

		Set<Thread> threads() {
			return Set.copyOf(this.threads);
		}

		int shutdowns() {
			return this.shutdowns.get();
		}

	}

}
