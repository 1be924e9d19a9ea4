package dev.realtime.engine.memory;

import java.lang.ref.WeakReference;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import dev.realtime.engine.EngineEvent;
import dev.realtime.engine.EngineMessage;
import dev.realtime.engine.History;
import dev.realtime.engine.MessageId;
import dev.realtime.engine.RealtimeEngineContractTests;
import dev.realtime.engine.Replay;
import dev.realtime.testsupport.MutableClock;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link InMemoryEngine}: the {@link RealtimeEngineContractTests contract} on
 * one node driven by a clock, and what only the memory engine does (channel state it
 * drops, the sweeper).
 *
 * @author Realtime team
 */
class InMemoryEngineTests extends RealtimeEngineContractTests<InMemoryEngine> {

	private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));

	@Override
	protected InMemoryEngine createEngine(int historySize, Duration historyTtl, int subscriberBuffer) {
		return new InMemoryEngine(historySize, historyTtl, this.clock);
	}

	@Override
	protected InMemoryEngine createEngineWithStreamLimit(long streamMaxSize) {
		return new InMemoryEngine(100, TTL, this.clock, streamMaxSize, TTL);
	}

	@Override
	protected InMemoryEngine createOtherNode(InMemoryEngine node, int historySize, Duration historyTtl,
			int subscriberBuffer) {
		// a single node: another engine is another process, which shares nothing
		return node;
	}

	@Override
	protected void destroy(InMemoryEngine engine) {
		engine.destroy();
	}

	@Override
	protected Duration expiringTtl() {
		return TTL;
	}

	@Override
	protected void elapse(Duration duration) {
		this.clock.advance(duration);
	}

	@Override
	protected int channelCount(InMemoryEngine engine) {
		return engine.channelCount();
	}

	@Override
	protected String engineType() {
		return "memory";
	}

	@Override
	protected void assertPublishedNow(Instant createdAt, Instant calledAt) {
		assertThat(createdAt).isEqualTo(this.clock.instant());
	}

	@Override
	protected void assertIdsOfTwoChannels(List<MessageId> ids, List<MessageId> otherIds) {
		// one counter and one epoch for the whole engine
		assertThat(ids).extracting(MessageId::epoch).containsOnly(otherIds.get(0).epoch());
		for (int i = 0; i < ids.size(); i++) {
			assertThat(otherIds.get(i).offset()).isGreaterThan(ids.get(i).offset());
		}
	}

	@Override
	protected void assertIdAfterHistoryExpired(MessageId before, MessageId after) {
		// the epoch belongs to the process, which still runs
		assertThat(after.epoch()).isEqualTo(before.epoch());
		assertThat(after.offset()).isGreaterThan(before.offset());
	}

	@Override
	protected boolean recoversAChannelWithoutState() {
		// offsets come from one counter: a channel without state missed nothing up to it
		return true;
	}

	@Override
	protected void assertDelivered(EngineEvent event, EngineMessage message) {
		// one instance per message, replayed and delivered as publish returned it
		assertThat(event).isSameAs(message);
	}

	@Override
	protected int concurrentPublishers() {
		return 8;
	}

	@Override
	protected int messagesPerConcurrentPublisher() {
		return 5_000;
	}

	@Override
	protected int messagesWhileSubscribersJoin() {
		return 20_000;
	}

	@Test
	void whenIdIsFromAnotherEngineThenNotRecovered() {
		EngineMessage elsewhere = publish(engine(100, TTL, 1024), request(channel(), "status", 1, true));
		StepVerifier.create(subscribe(nodeA(), channel(), Replay.after(elsewhere.id().toString())))
			.expectNext(new EngineEvent.Subscribed(false))
			.thenCancel()
			.verify(TIMEOUT);
	}

	@Test
	void whenChannelHasNoListenerAndNoHistoryThenItHoldsNoState() {
		Disposable listening = nodeA().listen(channel(), new RecordingListener());
		assertThat(nodeA().channelCount()).isOne();
		listening.dispose();
		assertThat(nodeA().channelCount()).isZero();
	}

	@Test
	void whenPublishingNonRetainedMessagesWithoutSubscribersThenNoStateIsCreated() {
		MessageId first = publish(nodeA(), "tokens", 1, false).id();
		MessageId second = publish(nodeA(), "tokens", 2, false).id();
		assertThat(nodeA().channelCount()).isZero();
		assertStrictlyIncreasing(List.of(first, second));
	}

	@Test
	void whenHistoryIsOffThenRetainedMessagesCreateNoState() {
		useNodes(0, TTL, 1024);
		publish(nodeA(), "status", 1, true);
		assertThat(nodeA().channelCount()).isZero();
	}

	@Test
	void whenSlowSubscriberWasTheLastOneThenTheChannelIsDropped() {
		useNodes(0, TTL, 8);
		StepVerifier.create(subscribe(nodeA(), channel(), Replay.none()), 0).expectSubscription().then(() -> {
			for (int i = 0; i < 9; i++) {
				publish(nodeA(), "status", i, false);
			}
		}).then(() -> assertEventually(() -> assertThat(nodeA().channelCount()).isZero())).thenCancel().verify(TIMEOUT);
	}

	@Test
	void whenHistoryExpiresThenTheSweepDropsTheChannel() throws Exception {
		useNodes(100, Duration.ofSeconds(1), 1024);
		publish(nodeA(), "status", 1, true);
		assertThat(nodeA().channelCount()).isOne();
		this.clock.advance(Duration.ofSeconds(2));
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
		while (nodeA().channelCount() > 0 && System.nanoTime() < deadline) {
			Thread.sleep(20);
		}
		assertThat(nodeA().channelCount()).isZero();
	}

	@Test
	void whenRetainedMessagesExpiredThenTheNextPublishReleasesThem() {
		// reads and the sweep evict too, but a channel nobody reads must not hold on to
		// expired messages until the next sweep
		WeakReference<EngineMessage> expired = new WeakReference<>(publish(nodeA(), "status", 1, true));
		this.clock.advance(TTL.plusSeconds(1));
		publish(nodeA(), "status", 2, true);
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
	void whenReadingHistoryOfAChannelWithoutStateThenNoStateIsCreated() {
		EngineMessage message = publish(nodeA(), "status", 1, true);
		assertThat(nodeA().channelCount()).isOne();
		assertThat(history(nodeA(), channel() + ":2", Replay.all())).isEqualTo(new History(null, List.of()));
		assertThat(history(nodeA(), channel() + ":2", Replay.after(message.id().toString())).messages()).isEmpty();
		assertThat(nodeA().channelCount()).isOne();
		useNodes(0, TTL, 1024);
		publish(nodeA(), "status", 1, true);
		assertThat(history(nodeA(), Replay.all()).messages()).isEmpty();
		assertThat(nodeA().channelCount()).isZero();
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

}
