package dev.realtime.engine;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

import dev.realtime.MessageKind;
import dev.realtime.StreamTooLargeException;
import dev.realtime.delivery.LocalFanOut;
import dev.realtime.delivery.SlowSubscriberException;
import org.awaitility.Awaitility;
import org.awaitility.core.ThrowingRunnable;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.reactivestreams.Subscription;
import reactor.core.Disposable;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The contract of {@link RealtimeEngine}: what every engine promises, run against each
 * engine by a subclass that creates it.
 * <p>
 * Tests publish on {@link #nodeA()} and subscribe and read on {@link #nodeB()}: two nodes
 * sharing the channels on an engine for many nodes, the same engine on an engine for one
 * node. Where engines genuinely differ (the id scheme, how time passes, whether delivery
 * happens on the publishing thread), the test names the difference as an overridable
 * expectation instead of leaving it out.
 *
 * @param <E> the type of the engine under test
 * @author Realtime team
 */
public abstract class RealtimeEngineContractTests<E extends RealtimeEngine> {

	/** How long a test waits for any one thing. */
	protected static final Duration TIMEOUT = Duration.ofSeconds(5);

	/** How long a subscriber may take nothing while messages wait for it. */
	protected static final Duration WRITE_TIMEOUT = Duration.ofSeconds(5);

	/** Every topic the tests publish on. */
	private static final Set<String> TOPICS = Set.of("status", "tokens", "ticks");

	/** A history ttl no test reaches. */
	protected static final Duration TTL = Duration.ofMinutes(10);

	private final Set<E> engines = Collections.newSetFromMap(new IdentityHashMap<>());

	private final List<Disposable> subscriptions = new ArrayList<>();

	/** The fan-out of each node, through which the tests subscribe. */
	private final Map<E, LocalFanOut> fanOuts = new IdentityHashMap<>();

	private String channel = "test";

	private @Nullable E nodeA;

	private @Nullable E nodeB;

	@BeforeEach
	void createNodes(TestInfo test) {
		this.channel = "test:" + test.getTestMethod().orElseThrow().getName();
		useNodes(100, TTL, 1024);
	}

	@AfterEach
	void destroyEngines() {
		this.subscriptions.forEach(Disposable::dispose);
		this.engines.forEach(this::destroy);
	}

	/**
	 * Create an engine, or the first node of an engine for many nodes.
	 * @param historySize how many messages each channel keeps, 0 for none
	 * @param historyTtl how long a message stays in history
	 * @param subscriberBuffer how many messages a subscriber may fall behind
	 * @return the engine
	 */
	protected abstract E createEngine(int historySize, Duration historyTtl, int subscriberBuffer);

	/**
	 * Create another node that shares the channels of the given one, with its own
	 * connections; an engine for one node returns the given engine.
	 * @param node the node created first
	 * @param historySize how many messages each channel keeps, 0 for none
	 * @param historyTtl how long a message stays in history
	 * @param subscriberBuffer how many messages a subscriber may fall behind
	 * @return the other node
	 */
	protected abstract E createOtherNode(E node, int historySize, Duration historyTtl, int subscriberBuffer);

	/**
	 * Release what an engine holds, as its application context would when it closes; its
	 * subscribers complete.
	 * @param engine the engine
	 */
	protected abstract void destroy(E engine);

	/**
	 * Return the history ttl of the tests of expiry: short enough for an engine driven by
	 * real time to let it pass.
	 * @return the ttl
	 */
	protected abstract Duration expiringTtl();

	/**
	 * Let time pass for the history of the engines created so far.
	 * @param duration how long
	 * @throws InterruptedException if interrupted while waiting
	 */
	protected abstract void elapse(Duration duration) throws InterruptedException;

	/**
	 * Return how many channels a node holds state for, for the tests of channels that
	 * hold no history.
	 * @param engine the node
	 * @return the number of channels
	 */
	protected abstract int channelCount(E engine);

	/**
	 * Return the type the engine reports in its health.
	 * @return the type
	 */
	protected abstract String engineType();

	/**
	 * Check the time a message was published at.
	 * @param createdAt the time of the message
	 * @param calledAt the time of this JVM just before the message was published
	 */
	protected abstract void assertPublishedNow(Instant createdAt, Instant calledAt);

	/**
	 * Check what the ids of two channels show of the engine's id scheme, beyond what
	 * every engine promises (strictly increasing offsets, one epoch per channel).
	 * @param ids the ids of a channel, published alternately on both nodes
	 * @param otherIds the ids of another channel, published in between
	 */
	protected abstract void assertIdsOfTwoChannels(List<MessageId> ids, List<MessageId> otherIds);

	/**
	 * Check the id of the first message published after a channel's whole history
	 * expired.
	 * @param before the id of a message that expired
	 * @param after the id of the next message
	 */
	protected abstract void assertIdAfterHistoryExpired(MessageId before, MessageId after);

	/**
	 * Return whether a resume of a channel that holds nothing, from an id of another
	 * channel, is complete.
	 * @return the expected {@link History#recovered()}
	 */
	protected abstract boolean recoversAChannelWithoutState();

	/**
	 * Create an engine whose stream topics keep at most the given bytes of text.
	 * @param streamMaxSize the most bytes of JSON-encoded chunks of a stream topic
	 * @return the engine
	 */
	protected abstract E createEngineWithStreamLimit(long streamMaxSize);

	/**
	 * Check that an event is the given message, replayed or delivered. By default they
	 * have the same envelope; engines that hand out the very instance they published
	 * check that.
	 * @param event the event
	 * @param message the message as published
	 */
	protected void assertDelivered(EngineEvent event, EngineMessage message) {
		assertThat(event).isInstanceOf(EngineMessage.class).hasToString(message.toString());
	}

	/**
	 * Check something that holds once the engine has delivered what was published, or
	 * released what was disposed: retried until it holds or {@link #TIMEOUT} passes.
	 * @param assertion the check
	 */
	protected final void assertEventually(ThrowingRunnable assertion) {
		Awaitility.await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(10)).untilAsserted(assertion);
	}

	/**
	 * Return how many threads publish in the test of concurrent publishers.
	 * @return the number of publishers
	 */
	protected int concurrentPublishers() {
		return 4;
	}

	/**
	 * Return how many messages each publisher publishes in the test of concurrent
	 * publishers.
	 * @return the number of messages
	 */
	protected int messagesPerConcurrentPublisher() {
		return 500;
	}

	/**
	 * Return how many messages are published while subscribers join.
	 * @return the number of messages
	 */
	protected int messagesWhileSubscribersJoin() {
		return 2_000;
	}

	@Test
	void whenPublishedThenIdsStrictlyIncreasePerChannelWithOneEpochPerChannel() {
		List<MessageId> ids = new ArrayList<>();
		List<MessageId> otherIds = new ArrayList<>();
		for (int i = 0; i < 6; i++) {
			E node = (i % 2 == 0) ? nodeA() : nodeB();
			ids.add(publish(node, "status", i, i % 3 != 0).id());
			otherIds.add(publish(node, request(this.channel + ":other", "status", i, i % 2 == 0)).id());
		}
		assertStrictlyIncreasing(ids);
		assertStrictlyIncreasing(otherIds);
		assertThat(ids).extracting(MessageId::epoch).containsOnly(ids.get(0).epoch());
		assertThat(otherIds).extracting(MessageId::epoch).containsOnly(otherIds.get(0).epoch());
		assertIdsOfTwoChannels(ids, otherIds);
	}

	@Test
	void whenPublishedThenMessageCarriesTheRequestAndThePublishTime() {
		Instant calledAt = Instant.now();
		EngineMessage published = nodeA()
			.publish(new PublishRequest(this.channel, "$run", bytes("{\"status\":\"running\"}"), "run-1",
					MessageKind.RUN, true))
			.block(TIMEOUT);
		assertThat(published.channel()).isEqualTo(this.channel);
		assertThat(published.topic()).isEqualTo("$run");
		assertThat(data(published)).isEqualTo("{\"status\":\"running\"}");
		assertThat(published.runId()).isEqualTo("run-1");
		assertThat(published.kind()).isEqualTo(MessageKind.RUN);
		assertPublishedNow(published.createdAt(), calledAt);
		StepVerifier.create(subscribe(nodeB(), this.channel, Replay.all()))
			.expectNext(new EngineEvent.Subscribed(null))
			.assertNext((event) -> {
				assertDelivered(event, published);
				EngineMessage replayed = (EngineMessage) event;
				assertThat(replayed.id()).isEqualTo(published.id());
				assertThat(replayed.envelope()).isEqualTo(published.envelope());
			})
			.thenCancel()
			.verify(TIMEOUT);
	}

	@Test
	void whenARequestCarriesATraceparentThenLiveAndReplayedMessagesCarryItInTheirEnvelope() {
		String traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
		List<EngineMessage> live = new CopyOnWriteArrayList<>();
		subscribeLive(nodeB(), Replay.none(), live::add);
		EngineMessage published = publish(nodeA(),
				request(this.channel, "status", 1, true).withTraceparent(traceparent));
		EngineMessage untraced = publish(nodeA(), "status", 2, true);
		assertThat(published.traceparent()).isEqualTo(traceparent);
		assertThat(new String(published.envelope(), StandardCharsets.UTF_8))
			.endsWith(",\"kind\":\"data\",\"traceparent\":\"" + traceparent + "\"}");
		assertThat(untraced.traceparent()).isNull();
		assertThat(new String(untraced.envelope(), StandardCharsets.UTF_8)).doesNotContain("traceparent");
		assertEventually(() -> assertThat(live).hasSize(2));
		assertThat(live.get(0).envelope()).isEqualTo(published.envelope());
		assertThat(live.get(1).envelope()).isEqualTo(untraced.envelope());
		assertThat(history(nodeB(), Replay.all()).messages()).extracting(EngineMessage::envelope)
			.containsExactly(published.envelope(), untraced.envelope());
	}

	@Test
	void whenManyThreadsPublishThenEverySubscriberSeesEachMessageOnceInIdOrder() throws Exception {
		int publishers = concurrentPublishers();
		int perPublisher = messagesPerConcurrentPublisher();
		int total = publishers * perPublisher;
		useNodes(100, TTL, 1 << 16);
		List<E> subscriberNodes = List.of(nodeA(), nodeA(), nodeB());
		List<List<EngineMessage>> received = new ArrayList<>();
		CountDownLatch allReceived = new CountDownLatch(subscriberNodes.size());
		for (E node : subscriberNodes) {
			List<EngineMessage> messages = Collections.synchronizedList(new ArrayList<>(total));
			received.add(messages);
			subscribeLive(node, Replay.none(), (message) -> {
				messages.add(message);
				if (messages.size() == total) {
					allReceived.countDown();
				}
			});
		}
		Set<MessageId> published = Collections.synchronizedSet(new HashSet<>());
		ExecutorService executor = Executors.newFixedThreadPool(publishers);
		try {
			CyclicBarrier start = new CyclicBarrier(publishers);
			List<Future<?>> results = new ArrayList<>();
			for (int p = 0; p < publishers; p++) {
				int publisher = p;
				E node = (p % 2 == 0) ? nodeA() : nodeB();
				results.add(executor.submit(() -> {
					start.await();
					for (int s = 0; s < perPublisher; s++) {
						published.add(publish(node, "ticks", publisher * 1_000_000 + s, s % 2 == 0).id());
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
		for (int i = 1; i < subscriberNodes.size(); i++) {
			if (subscriberNodes.get(i) == subscriberNodes.get(0)) {
				assertThat(received.get(i)).as("subscribers of one node share the messages")
					.usingElementComparator((a, b) -> (a == b) ? 0 : 1)
					.isEqualTo(received.get(0));
			}
			else {
				assertThat(received.get(i)).extracting(EngineMessage::toString)
					.isEqualTo(received.get(0).stream().map(EngineMessage::toString).toList());
			}
		}
	}

	@Test
	void whenFirstConnectThenRetainedHistoryIsReplayedOldestFirstThenLive() {
		EngineMessage first = publish(nodeA(), "status", 1, true);
		EngineMessage second = publish(nodeA(), "status", 2, true);
		publish(nodeA(), "tokens", 3, false);
		EngineMessage fourth = publish(nodeA(), "status", 4, true);
		StepVerifier.create(subscribe(nodeB(), this.channel, Replay.all()))
			.expectNext(new EngineEvent.Subscribed(null))
			.assertNext((event) -> assertDelivered(event, first))
			.assertNext((event) -> assertDelivered(event, second))
			.assertNext((event) -> assertDelivered(event, fourth))
			.then(() -> publish(nodeA(), "tokens", 5, false))
			.assertNext((event) -> assertThat(data(event)).isEqualTo("5"))
			.thenCancel()
			.verify(TIMEOUT);
	}

	@Test
	void whenSubscribingWhilePublishingThenHistoryAndLiveJoinWithoutGapOrDuplicate() throws Exception {
		int total = messagesWhileSubscribersJoin();
		int subscribers = 5;
		useNodes(total, TTL, 1 << 16);
		List<MessageId> published = new CopyOnWriteArrayList<>();
		List<List<MessageId>> received = new ArrayList<>();
		CountDownLatch allReceived = new CountDownLatch(subscribers);
		ExecutorService executor = Executors.newSingleThreadExecutor();
		try {
			Future<?> publishing = executor.submit(() -> {
				for (int i = 0; i < total; i++) {
					published.add(publish(nodeA(), "status", i, true).id());
				}
			});
			for (int i = 0; i < subscribers; i++) {
				int threshold = i * total / (subscribers + 1);
				while (published.size() < threshold && !publishing.isDone()) {
					LockSupport.parkNanos(100_000);
				}
				List<MessageId> ids = Collections.synchronizedList(new ArrayList<>(total));
				received.add(ids);
				E node = (i % 2 == 0) ? nodeB() : nodeA();
				keep(subscribe(node, this.channel, Replay.all()).ofType(EngineMessage.class).subscribe((message) -> {
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
		publish(nodeA(), "status", 1, true);
		StepVerifier.create(subscribe(nodeB(), this.channel, Replay.none()))
			.expectNext(new EngineEvent.Subscribed(null))
			.then(() -> publish(nodeA(), "status", 2, true))
			.assertNext((event) -> assertThat(data(event)).isEqualTo("2"))
			.thenCancel()
			.verify(TIMEOUT);
	}

	@Test
	void whenResumingAfterAnIdThenExactlyTheMissedMessagesAreReplayedAndRecovered() {
		List<EngineMessage> messages = new ArrayList<>();
		for (int i = 1; i <= 5; i++) {
			messages.add(publish(nodeA(), "status", i, true));
		}
		AtomicReference<EngineEvent> live = new AtomicReference<>();
		StepVerifier.create(subscribe(nodeB(), this.channel, Replay.after(messages.get(1).id().toString())))
			.expectNext(new EngineEvent.Subscribed(true))
			.assertNext((event) -> assertDelivered(event, messages.get(2)))
			.assertNext((event) -> assertDelivered(event, messages.get(3)))
			.assertNext((event) -> assertDelivered(event, messages.get(4)))
			.then(() -> publish(nodeA(), "status", 6, true))
			.assertNext((event) -> {
				assertThat(data(event)).isEqualTo("6");
				live.set(event);
			})
			.thenCancel()
			.verify(TIMEOUT);
		StepVerifier.create(subscribe(nodeB(), this.channel, Replay.after(messages.get(4).id().toString())))
			.expectNext(new EngineEvent.Subscribed(true))
			.assertNext((event) -> assertThat(event).hasToString(live.get().toString()))
			.expectNoEvent(Duration.ofMillis(50))
			.thenCancel()
			.verify(TIMEOUT);
	}

	@Test
	void whenResumingAfterTheLastIdThenNothingIsReplayedAndRecovered() {
		EngineMessage last = publish(nodeA(), "status", 1, true);
		StepVerifier.create(subscribe(nodeB(), this.channel, Replay.after(last.id().toString())))
			.expectNext(new EngineEvent.Subscribed(true))
			.expectNoEvent(Duration.ofMillis(50))
			.thenCancel()
			.verify(TIMEOUT);
	}

	@Test
	void whenMissedMessagesWereEvictedBySizeThenNotRecovered() {
		useNodes(3, TTL, 1024);
		List<EngineMessage> messages = new ArrayList<>();
		for (int i = 1; i <= 5; i++) {
			messages.add(publish(nodeA(), "status", i, true));
		}
		for (int lastSeen : List.of(0, 1)) {
			StepVerifier.create(subscribe(nodeB(), this.channel, Replay.after(messages.get(lastSeen).id().toString())))
				.expectNext(new EngineEvent.Subscribed(lastSeen == 1))
				.assertNext((event) -> assertDelivered(event, messages.get(2)))
				.assertNext((event) -> assertDelivered(event, messages.get(3)))
				.assertNext((event) -> assertDelivered(event, messages.get(4)))
				.thenCancel()
				.verify(TIMEOUT);
		}
	}

	@Test
	void whenMissedMessagesExpiredThenNotRecovered() throws Exception {
		Duration ttl = expiringTtl();
		useNodes(100, ttl, 1024);
		EngineMessage first = publish(nodeA(), "status", 1, true);
		EngineMessage second = publish(nodeA(), "status", 2, true);
		elapse(ttl.multipliedBy(2).dividedBy(3));
		// keeps the channel alive while the first two age out
		EngineMessage fresh = publish(nodeA(), "status", 3, true);
		elapse(ttl.multipliedBy(2).dividedBy(3));
		StepVerifier.create(subscribe(nodeB(), this.channel, Replay.after(first.id().toString())))
			.expectNext(new EngineEvent.Subscribed(false))
			.assertNext((event) -> assertDelivered(event, fresh))
			.thenCancel()
			.verify(TIMEOUT);
		StepVerifier.create(subscribe(nodeB(), this.channel, Replay.after(second.id().toString())))
			.expectNext(new EngineEvent.Subscribed(true))
			.assertNext((event) -> assertDelivered(event, fresh))
			.thenCancel()
			.verify(TIMEOUT);
		StepVerifier.create(subscribe(nodeB(), this.channel, Replay.all()))
			.expectNext(new EngineEvent.Subscribed(null))
			.assertNext((event) -> assertDelivered(event, fresh))
			.thenCancel()
			.verify(TIMEOUT);
	}

	@Test
	void whenWholeHistoryExpiredThenResumeIsNotRecovered() throws Exception {
		Duration ttl = expiringTtl().dividedBy(5);
		useNodes(100, ttl, 1024);
		EngineMessage first = publish(nodeA(), "status", 1, true);
		publish(nodeA(), "status", 2, true);
		elapse(ttl.multipliedBy(5).dividedBy(3));
		StepVerifier.create(subscribe(nodeB(), this.channel, Replay.after(first.id().toString())))
			.expectNext(new EngineEvent.Subscribed(false))
			.expectNoEvent(Duration.ofMillis(50))
			.thenCancel()
			.verify(TIMEOUT);
		EngineMessage next = publish(nodeA(), "status", 3, true);
		assertIdAfterHistoryExpired(first.id(), next.id());
		StepVerifier.create(subscribe(nodeB(), this.channel, Replay.after(first.id().toString())))
			.expectNext(new EngineEvent.Subscribed(false))
			.assertNext((event) -> assertDelivered(event, next))
			.thenCancel()
			.verify(TIMEOUT);
	}

	@Test
	void whenIdIsFromAnotherEpochThenNotRecoveredAndTheHistoryIsReplayed() {
		EngineMessage message = publish(nodeA(), "status", 1, true);
		String otherEpoch = new MessageId(1, message.id().epoch() + "0").toString();
		StepVerifier.create(subscribe(nodeB(), this.channel, Replay.after(otherEpoch)))
			.expectNext(new EngineEvent.Subscribed(false))
			.assertNext((event) -> assertDelivered(event, message))
			.thenCancel()
			.verify(TIMEOUT);
	}

	@Test
	void whenIdIsMalformedThenNotRecovered() {
		EngineMessage message = publish(nodeA(), "status", 1, true);
		StepVerifier.create(subscribe(nodeB(), this.channel, Replay.after("not an id")))
			.expectNext(new EngineEvent.Subscribed(false))
			.assertNext((event) -> assertDelivered(event, message))
			.thenCancel()
			.verify(TIMEOUT);
	}

	@Test
	void whenIdIsAheadOfTheEngineThenNotRecovered() {
		EngineMessage message = publish(nodeA(), "status", 1, true);
		String ahead = new MessageId(message.id().offset() + 100, message.id().epoch()).toString();
		StepVerifier.create(subscribe(nodeB(), this.channel, Replay.after(ahead)))
			.expectNext(new EngineEvent.Subscribed(false))
			.then(() -> publish(nodeA(), "status", 2, true))
			.assertNext((event) -> assertThat(data(event)).isEqualTo("2"))
			.thenCancel()
			.verify(TIMEOUT);
	}

	@Test
	void whenMessagesAreNotRetainedThenTheyAreNeverReplayedAndDoNotSpoilRecovery() {
		List<EngineMessage> live = new CopyOnWriteArrayList<>();
		subscribeLive(nodeB(), Replay.none(), live::add);
		EngineMessage a = publish(nodeA(), "status", 1, true);
		EngineMessage b = publish(nodeA(), "tokens", 2, false);
		EngineMessage c = publish(nodeA(), "status", 3, true);
		EngineMessage d = publish(nodeA(), "tokens", 4, false);
		assertEventually(() -> {
			assertThat(live).hasSize(4);
			assertDelivered(live.get(0), a);
			assertDelivered(live.get(1), b);
			assertDelivered(live.get(2), c);
			assertDelivered(live.get(3), d);
		});
		StepVerifier.create(subscribe(nodeB(), this.channel, Replay.all()))
			.expectNext(new EngineEvent.Subscribed(null))
			.assertNext((event) -> assertDelivered(event, a))
			.assertNext((event) -> assertDelivered(event, c))
			.expectNoEvent(Duration.ofMillis(50))
			.thenCancel()
			.verify(TIMEOUT);
		for (EngineMessage after : List.of(a, b)) {
			StepVerifier.create(subscribe(nodeB(), this.channel, Replay.after(after.id().toString())))
				.expectNext(new EngineEvent.Subscribed(true))
				.assertNext((event) -> assertDelivered(event, c))
				.thenCancel()
				.verify(TIMEOUT);
		}
		StepVerifier.create(subscribe(nodeB(), this.channel, Replay.after(d.id().toString())))
			.expectNext(new EngineEvent.Subscribed(true))
			.expectNoEvent(Duration.ofMillis(50))
			.thenCancel()
			.verify(TIMEOUT);
	}

	@Test
	void whenResumingAChannelThatOnlyHadLiveMessagesThenRecovered() {
		CountDownLatch subscribed = new CountDownLatch(1);
		Disposable subscription = subscribe(nodeB(), this.channel, Replay.none())
			.subscribe((event) -> subscribed.countDown());
		awaitQuietly(subscribed);
		EngineMessage last = publish(nodeA(), "tokens", 1, false);
		subscription.dispose();
		assertEventually(() -> assertThat(channelCount(nodeB())).isZero());
		StepVerifier.create(subscribe(nodeB(), this.channel, Replay.after(last.id().toString())))
			.expectNext(new EngineEvent.Subscribed(true))
			.thenCancel()
			.verify(TIMEOUT);
	}

	@Test
	void whenSubscriberRequestsNothingThenItIsEndedAsSlowWithoutBlockingThePublisherOrOthers() {
		useNodes(0, TTL, 8);
		List<EngineMessage> fast = new CopyOnWriteArrayList<>();
		subscribeLive(nodeB(), Replay.none(), fast::add);
		// one request for the Subscribed event: after it, the subscription is live
		StepVerifier.create(subscribe(nodeB(), this.channel, Replay.none()), 1)
			.expectNext(new EngineEvent.Subscribed(null))
			.then(() -> publishInBackground(1000))
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(SlowSubscriberException.class)
				.hasMessage("Subscriber of '" + this.channel + "' fell more than 8 messages behind"))
			.verify(TIMEOUT);
		assertEventually(() -> assertThat(fast).hasSize(1000));
		assertStrictlyIncreasing(fast.stream().map(EngineMessage::id).toList());
	}

	@Test
	void whenSubscriberRequestsSlowlyThenItIsEndedAsSlowWithoutBlockingThePublisherOrOthers() throws Exception {
		useNodes(0, TTL, 8);
		List<EngineMessage> fast = new CopyOnWriteArrayList<>();
		subscribeLive(nodeB(), Replay.none(), fast::add);
		AtomicReference<Throwable> error = new AtomicReference<>();
		AtomicInteger slowReceived = new AtomicInteger();
		CountDownLatch subscribed = new CountDownLatch(1);
		CountDownLatch ended = new CountDownLatch(1);
		BaseSubscriber<EngineEvent> slow = new BaseSubscriber<>() {

			@Override
			protected void hookOnSubscribe(Subscription subscription) {
				request(1);
			}

			@Override
			protected void hookOnNext(EngineEvent event) {
				slowReceived.incrementAndGet();
				subscribed.countDown();
				Schedulers.parallel().schedule(() -> request(1), 20, TimeUnit.MILLISECONDS);
			}

			@Override
			protected void hookOnError(Throwable ex) {
				error.set(ex);
				ended.countDown();
			}

		};
		subscribe(nodeB(), this.channel, Replay.none()).subscribe(slow);
		awaitQuietly(subscribed);
		publishInBackground(200);
		assertThat(ended.await(5, TimeUnit.SECONDS)).isTrue();
		assertThat(error.get()).isInstanceOf(SlowSubscriberException.class);
		assertThat(slowReceived.get()).isLessThan(200);
		assertEventually(() -> assertThat(fast).hasSize(200));
	}

	@Test
	void whenSubscriberPublishesFromOnNextThenEverySubscriberStillSeesIdOrder() {
		subscribeLive(nodeB(), Replay.none(), (message) -> {
			if ("1".equals(data(message))) {
				nodeA().publish(request(this.channel, "status", 2, true)).subscribe();
			}
		});
		List<EngineMessage> later = new CopyOnWriteArrayList<>();
		subscribeLive(nodeB(), Replay.none(), later::add);
		publish(nodeA(), "status", 1, true);
		assertEventually(
				() -> assertThat(later).extracting(RealtimeEngineContractTests::data).containsExactly("1", "2"));
		assertStrictlyIncreasing(later.stream().map(EngineMessage::id).toList());
	}

	@Test
	void whenSubscribingFromOnNextThenHistoryAndLiveJoinWithoutDuplicate() {
		List<EngineMessage> joined = new CopyOnWriteArrayList<>();
		subscribeLive(nodeB(), Replay.none(), (message) -> {
			if ("1".equals(data(message))) {
				nodeA().publish(request(this.channel, "status", 2, true)).subscribe();
				keep(subscribe(nodeB(), this.channel, Replay.all()).ofType(EngineMessage.class).subscribe(joined::add));
			}
		});
		publish(nodeA(), "status", 1, true);
		assertEventually(
				() -> assertThat(joined).extracting(RealtimeEngineContractTests::data).containsExactly("1", "2"));
	}

	@Test
	void whenDestroyedThenSubscribersComplete() {
		publish(nodeA(), "status", 1, true);
		Flux<EngineEvent> first = subscribe(nodeB(), this.channel, Replay.none());
		Flux<EngineEvent> second = subscribe(nodeB(), this.channel + ":2", Replay.all());
		StepVerifier.create(Flux.merge(first, second))
			.expectNext(new EngineEvent.Subscribed(null), new EngineEvent.Subscribed(null))
			.then(() -> destroy(nodeB()))
			.expectComplete()
			.verify(TIMEOUT);
	}

	// stream topics

	@Test
	void whenChunksWereStreamedThenAFirstReadHoldsOneSnapshotOfTheWholeTextInIdOrder() {
		EngineMessage status = publish(nodeA(), "status", 1, true);
		chunk(nodeA(), "Hel");
		EngineMessage last = chunk(nodeA(), "lo \"wörld\"\n");
		EngineMessage later = publish(nodeA(), "status", 2, true);
		History history = history(nodeB(), Replay.all());
		assertThat(history.messages()).extracting(EngineMessage::kind)
			.containsExactly(MessageKind.DATA, MessageKind.SNAPSHOT, MessageKind.DATA);
		assertThat(history.messages().get(0).id()).isEqualTo(status.id());
		EngineMessage snapshot = history.messages().get(1);
		assertThat(snapshot.id()).isEqualTo(last.id());
		assertThat(snapshot.topic()).isEqualTo("ticks");
		assertThat(new String(snapshot.data(), StandardCharsets.UTF_8)).isEqualTo("\"Hello \\\"wörld\\\"\\n\"");
		assertThat(snapshot.createdAt()).isEqualTo(last.createdAt());
		assertThat(history.messages().get(2).id()).isEqualTo(later.id());
	}

	@Test
	void whenResumingBeforeTheLastChunkThenTheSnapshotIsReplayedAndAfterItNothing() {
		EngineMessage first = chunk(nodeA(), "a");
		EngineMessage last = chunk(nodeA(), "b");
		History before = history(nodeB(), Replay.after(first.id().toString()));
		assertThat(before.recovered()).isTrue();
		assertThat(before.messages()).singleElement().satisfies((snapshot) -> {
			assertThat(snapshot.kind()).isEqualTo(MessageKind.SNAPSHOT);
			assertThat(snapshot.id()).isEqualTo(last.id());
			assertThat(new String(snapshot.data(), StandardCharsets.UTF_8)).isEqualTo("\"ab\"");
		});
		assertThat(history(nodeB(), Replay.after(last.id().toString())).messages()).isEmpty();
	}

	@Test
	void whenSubscribingWhileChunksAreStreamedThenTheSnapshotAndTheLiveChunksJoinWithoutGapOrDuplicate()
			throws Exception {
		chunk(nodeA(), "0,");
		List<EngineEvent> events = new CopyOnWriteArrayList<>();
		ExecutorService publisher = Executors.newSingleThreadExecutor();
		try {
			Future<?> publishing = publisher.submit(() -> {
				for (int i = 1; i < 200; i++) {
					chunk(nodeA(), i + ",");
				}
			});
			keep(subscribe(nodeB(), this.channel, Replay.all()).subscribe(events::add));
			publishing.get(10, TimeUnit.SECONDS);
		}
		finally {
			publisher.shutdownNow();
		}
		StringBuilder expected = new StringBuilder();
		for (int i = 0; i < 200; i++) {
			expected.append(i).append(',');
		}
		assertEventually(() -> {
			StringBuilder text = new StringBuilder();
			for (EngineEvent event : events) {
				if (event instanceof EngineMessage message) {
					String data = new String(message.data(), StandardCharsets.UTF_8);
					if (message.kind() == MessageKind.SNAPSHOT) {
						text.setLength(0);
					}
					text.append(data, 1, data.length() - 1);
				}
			}
			assertThat(text.toString()).isEqualTo(expected.toString());
		});
		assertThat(events.stream()
			.filter((event) -> event instanceof EngineMessage message && message.kind() == MessageKind.SNAPSHOT))
			.hasSizeLessThanOrEqualTo(1);
	}

	@Test
	void whenAStreamIsResetThenListenersGetTheResetAndItsTextStartsAgain() {
		chunk(nodeA(), "failed attempt");
		StepVerifier.create(subscribe(nodeB(), this.channel, Replay.none()))
			.expectNext(new EngineEvent.Subscribed(null))
			.then(() -> publish(nodeA(), PublishRequest.reset(this.channel, "ticks", bytes("\"\""), null)))
			.assertNext((event) -> {
				assertThat(((EngineMessage) event).kind()).isEqualTo(MessageKind.SNAPSHOT);
				assertThat(data(event)).isEqualTo("\"\"");
			})
			.thenCancel()
			.verify(TIMEOUT);
		EngineMessage retried = chunk(nodeA(), "second attempt");
		assertThat(history(nodeB(), Replay.all()).messages()).singleElement().satisfies((snapshot) -> {
			assertThat(snapshot.id()).isEqualTo(retried.id());
			assertThat(new String(snapshot.data(), StandardCharsets.UTF_8)).isEqualTo("\"second attempt\"");
		});
	}

	@Test
	void whenAChunkWouldGrowTheTextBeyondItsLimitThenItIsRefusedAndNothingIsAppended() {
		E engine = createEngineWithStreamLimit(12);
		this.engines.add(engine);
		EngineMessage kept = publish(engine, PublishRequest.chunk(this.channel, "ticks", bytes("\"12345\""), null));
		StepVerifier.create(engine.publish(PublishRequest.chunk(this.channel, "ticks", bytes("\"123456\""), null)))
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(StreamTooLargeException.class)
				.hasMessageContaining("would grow to 16 bytes, over the limit of 12 bytes (realtime.streams.max-size)"))
			.verify(TIMEOUT);
		assertThat(history(engine, Replay.all()).messages()).singleElement().satisfies((snapshot) -> {
			assertThat(snapshot.id()).isEqualTo(kept.id());
			assertThat(new String(snapshot.data(), StandardCharsets.UTF_8)).isEqualTo("\"12345\"");
		});
	}

	private EngineMessage chunk(E node, String text) {
		return publish(node,
				PublishRequest.chunk(this.channel, "ticks", JsonMapper.shared().writeValueAsBytes(text), null));
	}

	@Test
	void whenReadingHistoryWithoutReplayThenItIsNone() {
		publish(nodeA(), "status", 1, true);
		assertThat(history(nodeB(), Replay.none())).isEqualTo(History.none());
	}

	@Test
	void whenReadingAllHistoryThenTheRetainedMessagesComeOldestFirst() {
		EngineMessage a = publish(nodeA(), "status", 1, true);
		publish(nodeA(), "tokens", 2, false);
		EngineMessage c = publish(nodeA(), "status", 3, true);
		publish(nodeA(), "tokens", 4, false);
		History history = history(nodeB(), Replay.all());
		assertThat(history.recovered()).isNull();
		assertHistory(history.messages(), a, c);
	}

	@Test
	void whenReadingHistoryAfterAnIdThenExactlyTheLaterRetainedMessagesComeAndItIsRecovered() {
		List<EngineMessage> messages = new ArrayList<>();
		for (int i = 1; i <= 5; i++) {
			messages.add(publish(nodeA(), "status", i, i != 4));
		}
		History history = history(nodeB(), Replay.after(messages.get(1).id().toString()));
		assertThat(history.recovered()).isTrue();
		assertHistory(history.messages(), messages.get(2), messages.get(4));
		History last = history(nodeB(), Replay.after(messages.get(4).id().toString()));
		assertThat(last.recovered()).isTrue();
		assertThat(last.messages()).isEmpty();
	}

	@Test
	void whenReadingHistoryAfterAnEvictedIdThenItIsNotRecovered() {
		useNodes(3, TTL, 1024);
		List<EngineMessage> messages = new ArrayList<>();
		for (int i = 1; i <= 5; i++) {
			messages.add(publish(nodeA(), "status", i, true));
		}
		EngineMessage[] retained = messages.subList(2, 5).toArray(EngineMessage[]::new);
		History evicted = history(nodeB(), Replay.after(messages.get(0).id().toString()));
		assertThat(evicted.recovered()).isFalse();
		assertHistory(evicted.messages(), retained);
		History kept = history(nodeB(), Replay.after(messages.get(1).id().toString()));
		assertThat(kept.recovered()).isTrue();
		assertHistory(kept.messages(), retained);
	}

	@Test
	void whenReadingHistoryAfterAnExpiredIdThenItIsNotRecovered() throws Exception {
		Duration ttl = expiringTtl();
		useNodes(100, ttl, 1024);
		EngineMessage first = publish(nodeA(), "status", 1, true);
		publish(nodeA(), "status", 2, true);
		elapse(ttl.multipliedBy(2).dividedBy(3));
		EngineMessage fresh = publish(nodeA(), "status", 3, true);
		elapse(ttl.multipliedBy(2).dividedBy(3));
		History history = history(nodeB(), Replay.after(first.id().toString()));
		assertThat(history.recovered()).isFalse();
		assertHistory(history.messages(), fresh);
	}

	@Test
	void whenReadingHistoryAfterAnIdOfAnotherEpochThenItIsNotRecoveredAndHoldsTheWholeHistory() {
		EngineMessage first = publish(nodeA(), "status", 1, true);
		EngineMessage second = publish(nodeA(), "status", 2, true);
		String otherEpoch = new MessageId(first.id().offset(), first.id().epoch() + "0").toString();
		History history = history(nodeB(), Replay.after(otherEpoch));
		assertThat(history.recovered()).isFalse();
		assertHistory(history.messages(), first, second);
	}

	@Test
	void whenReadingHistoryThenItHoldsWhatASubscriptionReplays() {
		useNodes(3, TTL, 1024);
		List<EngineMessage> messages = new ArrayList<>();
		for (int i = 1; i <= 6; i++) {
			messages.add(publish(nodeA(), "status", i, i != 5));
		}
		String otherEpoch = new MessageId(1, messages.get(0).id().epoch() + "0").toString();
		for (Replay replay : List.of(Replay.none(), Replay.all(), Replay.after(messages.get(0).id().toString()),
				Replay.after(messages.get(3).id().toString()), Replay.after(otherEpoch), Replay.after("not an id"))) {
			History history = history(nodeB(), replay);
			StepVerifier.Step<EngineEvent> replayed = StepVerifier.create(subscribe(nodeB(), this.channel, replay))
				.expectNext(new EngineEvent.Subscribed(history.recovered()));
			for (EngineMessage message : history.messages()) {
				replayed = replayed.assertNext((event) -> assertDelivered(event, message));
			}
			replayed.expectNoEvent(Duration.ofMillis(20)).thenCancel().verify(TIMEOUT);
		}
	}

	@Test
	void whenReadingHistoryOfAChannelWithoutStateThenItIsEmpty() {
		String unknown = this.channel + ":unknown";
		EngineMessage message = publish(nodeA(), "status", 1, true);
		assertThat(history(nodeB(), unknown, Replay.all())).isEqualTo(new History(null, List.of()));
		assertThat(history(nodeB(), unknown, Replay.after(message.id().toString())))
			.isEqualTo(new History(recoversAChannelWithoutState(), List.of()));
	}

	@Test
	void whenHistoryIsOffThenRetainedMessagesAreNeitherKeptNorReplayed() {
		useNodes(0, TTL, 1024);
		EngineMessage message = publish(nodeA(), "status", 1, true);
		assertThat(history(nodeB(), Replay.all()).messages()).isEmpty();
		StepVerifier.create(subscribe(nodeB(), this.channel, Replay.after(message.id().toString())))
			.expectNext(new EngineEvent.Subscribed(true))
			.expectNoEvent(Duration.ofMillis(50))
			.thenCancel()
			.verify(TIMEOUT);
	}

	@Test
	void whenChannelOrReplayIsMissingThenSubscribeAndHistoryRejectTheCall() {
		assertThatIllegalArgumentException().isThrownBy(() -> subscribe(nodeB(), "", Replay.all()))
			.withMessage("'channel' must not be empty");
		assertThatIllegalArgumentException().isThrownBy(() -> subscribe(nodeB(), this.channel, nullReplay()))
			.withMessage("'replay' must not be null");
		assertThatIllegalArgumentException().isThrownBy(() -> nodeB().history("", Replay.all()))
			.withMessage("'channel' must not be empty");
		assertThatIllegalArgumentException().isThrownBy(() -> nodeB().history(this.channel, nullReplay()))
			.withMessage("'replay' must not be null");
	}

	@Test
	void whenListeningThenLiveComesOnceAndThenEveryMessageInIdOrder() {
		RecordingListener listener = new RecordingListener();
		keep(nodeB().listen(this.channel, listener));
		assertEventually(() -> assertThat(listener.live).hasValue(1));
		List<EngineMessage> published = new ArrayList<>();
		for (int i = 0; i < 20; i++) {
			published.add(publish(nodeA(), "status", i, i % 2 == 0));
		}
		assertEventually(() -> assertThat(listener.messages).hasSize(20));
		assertThat(listener.messages).extracting(EngineMessage::id)
			.containsExactlyElementsOf(published.stream().map(EngineMessage::id).toList());
		assertThat(listener.live).hasValue(1);
		assertThat(listener.ended).isEmpty();
	}

	@Test
	void whenListeningThenNothingIsReplayed() {
		publish(nodeA(), "status", 1, true);
		RecordingListener listener = new RecordingListener();
		keep(nodeB().listen(this.channel, listener));
		assertEventually(() -> assertThat(listener.live).hasValue(1));
		publish(nodeA(), "status", 2, true);
		assertEventually(
				() -> assertThat(listener.messages).extracting(RealtimeEngineContractTests::data).containsExactly("2"));
	}

	@Test
	void whenListenerIsDisposedThenItGetsNothingMoreAndTheNodeForgetsTheChannel() {
		useNodes(0, TTL, 1024);
		RecordingListener listener = new RecordingListener();
		Disposable listening = nodeB().listen(this.channel, listener);
		assertEventually(() -> assertThat(listener.live).hasValue(1));
		publish(nodeA(), "status", 1, false);
		assertEventually(() -> assertThat(listener.messages).hasSize(1));
		listening.dispose();
		assertEventually(() -> assertThat(channelCount(nodeB())).isZero());
		publish(nodeA(), "status", 2, false);
		RecordingListener other = new RecordingListener();
		keep(nodeB().listen(this.channel, other));
		assertEventually(() -> assertThat(other.live).hasValue(1));
		publish(nodeA(), "status", 3, false);
		assertEventually(() -> assertThat(other.messages).hasSize(1));
		assertThat(listener.messages).extracting(RealtimeEngineContractTests::data).containsExactly("1");
		assertThat(listener.ended).isEmpty();
	}

	@Test
	void whenDestroyedThenListenersEndWithoutError() {
		RecordingListener listener = new RecordingListener();
		keep(nodeB().listen(this.channel, listener));
		assertEventually(() -> assertThat(listener.live).hasValue(1));
		destroy(nodeB());
		assertEventually(() -> assertThat(listener.ended).containsExactly(Optional.empty()));
	}

	@Test
	void whenChannelOrListenerIsMissingThenListenRejectsTheCall() {
		assertThatIllegalArgumentException().isThrownBy(() -> nodeB().listen("", new RecordingListener()))
			.withMessage("'channel' must not be empty");
		assertThatIllegalArgumentException().isThrownBy(() -> nodeB().listen(this.channel, nullListener()))
			.withMessage("'listener' must not be null");
	}

	@Test
	void whenEngineCanPublishThenItIsUp() {
		EngineHealth health = nodeB().health().block(TIMEOUT);
		assertThat(health.up()).isTrue();
		assertThat(health.type()).isEqualTo(engineType());
		assertThat(health.problem()).isNull();
		assertThat(health.details()).containsKey("channels");
	}

	/**
	 * Create the nodes of the next steps of a test, replacing those it used so far.
	 * @param historySize how many messages each channel keeps, 0 for none
	 * @param historyTtl how long a message stays in history
	 * @param subscriberBuffer how many messages a subscriber may fall behind
	 */
	protected final void useNodes(int historySize, Duration historyTtl, int subscriberBuffer) {
		E first = engine(historySize, historyTtl, subscriberBuffer);
		this.nodeA = first;
		this.nodeB = track(createOtherNode(first, historySize, historyTtl, subscriberBuffer), subscriberBuffer);
	}

	/**
	 * Create an engine that is destroyed after the test.
	 * @param historySize how many messages each channel keeps, 0 for none
	 * @param historyTtl how long a message stays in history
	 * @param subscriberBuffer how many messages a subscriber may fall behind
	 * @return the engine
	 */
	protected final E engine(int historySize, Duration historyTtl, int subscriberBuffer) {
		return track(createEngine(historySize, historyTtl, subscriberBuffer), subscriberBuffer);
	}

	private E track(E engine, int subscriberBuffer) {
		if (this.engines.add(engine)) {
			this.fanOuts.put(engine, new LocalFanOut(engine, subscriberBuffer, WRITE_TIMEOUT));
		}
		return engine;
	}

	/**
	 * Subscribe to a channel on a node as the hub does, through the node's one
	 * {@link LocalFanOut}, to every topic the tests publish on.
	 * @param node the node
	 * @param channel the channel
	 * @param replay what to replay first
	 * @return the events of the subscription
	 */
	protected final Flux<EngineEvent> subscribe(E node, String channel, Replay replay) {
		LocalFanOut fanOut = this.fanOuts.get(node);
		assertThat(fanOut).isNotNull();
		return fanOut.subscribe(channel, TOPICS, replay);
	}

	/**
	 * Return the node that publishes.
	 * @return the node
	 */
	protected final E nodeA() {
		E node = this.nodeA;
		assertThat(node).isNotNull();
		return node;
	}

	/**
	 * Return the node that subscribes and reads history: another node on engines for many
	 * nodes.
	 * @return the node
	 */
	protected final E nodeB() {
		E node = this.nodeB;
		assertThat(node).isNotNull();
		return node;
	}

	/**
	 * Return the channel of the test, named after it.
	 * @return the channel name
	 */
	protected final String channel() {
		return this.channel;
	}

	/**
	 * Dispose of a subscription after the test.
	 * @param subscription the subscription
	 */
	protected final void keep(Disposable subscription) {
		this.subscriptions.add(subscription);
	}

	/**
	 * Subscribe until the end of the test and wait until the subscription is live.
	 * @param node the node
	 * @param replay the replay
	 * @param messages what receives the messages
	 */
	protected final void subscribeLive(E node, Replay replay, Consumer<EngineMessage> messages) {
		CountDownLatch subscribed = new CountDownLatch(1);
		keep(subscribe(node, this.channel, replay).doOnNext((event) -> subscribed.countDown())
			.ofType(EngineMessage.class)
			.subscribe(messages));
		awaitQuietly(subscribed);
	}

	/**
	 * Publish on the test's channel and wait for the message.
	 * @param node the node to publish on
	 * @param topic the topic
	 * @param value the payload, a number
	 * @param retain whether the message enters history
	 * @return the message
	 */
	protected final EngineMessage publish(E node, String topic, int value, boolean retain) {
		return publish(node, request(this.channel, topic, value, retain));
	}

	/**
	 * Publish and wait for the message.
	 * @param node the node to publish on
	 * @param request the request
	 * @return the message
	 */
	protected static EngineMessage publish(RealtimeEngine node, PublishRequest request) {
		EngineMessage message = node.publish(request).block(TIMEOUT);
		assertThat(message).isNotNull();
		return message;
	}

	/**
	 * Read the history of the test's channel.
	 * @param node the node to read on
	 * @param replay what to read
	 * @return the history
	 */
	protected final History history(E node, Replay replay) {
		return history(node, this.channel, replay);
	}

	/**
	 * Read the history of a channel.
	 * @param node the node to read on
	 * @param channel the channel
	 * @param replay what to read
	 * @return the history
	 */
	protected static History history(RealtimeEngine node, String channel, Replay replay) {
		History history = node.history(channel, replay).block(TIMEOUT);
		assertThat(history).isNotNull();
		return history;
	}

	/**
	 * Create a request with a number as payload.
	 * @param channel the channel
	 * @param topic the topic
	 * @param value the payload
	 * @param retain whether the message enters history
	 * @return the request
	 */
	protected static PublishRequest request(String channel, String topic, int value, boolean retain) {
		return new PublishRequest(channel, topic, bytes(Integer.toString(value)), null, MessageKind.DATA, retain);
	}

	/**
	 * Return the payload of a message event.
	 * @param event the event
	 * @return the payload as text
	 */
	protected static String data(EngineEvent event) {
		assertThat(event).isInstanceOf(EngineMessage.class);
		return new String(((EngineMessage) event).data(), StandardCharsets.UTF_8);
	}

	/**
	 * Check that offsets strictly increase.
	 * @param ids the ids
	 */
	protected static void assertStrictlyIncreasing(List<MessageId> ids) {
		for (int i = 1; i < ids.size(); i++) {
			assertThat(ids.get(i).offset()).isGreaterThan(ids.get(i - 1).offset());
		}
	}

	/**
	 * Wait for a latch, for at most {@link #TIMEOUT}.
	 * @param latch the latch
	 */
	protected static void awaitQuietly(CountDownLatch latch) {
		try {
			assertThat(latch.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError(ex);
		}
	}

	private void assertHistory(List<EngineMessage> messages, EngineMessage... expected) {
		assertThat(messages).hasSize(expected.length);
		for (int i = 0; i < expected.length; i++) {
			assertDelivered(messages.get(i), expected[i]);
		}
	}

	private void publishInBackground(int count) {
		ExecutorService executor = Executors.newSingleThreadExecutor();
		try {
			Future<?> publishing = executor.submit(() -> {
				for (int i = 0; i < count; i++) {
					publish(nodeA(), "status", i, false);
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

	@SuppressWarnings("NullAway")
	private static Replay nullReplay() {
		return null;
	}

	private static byte[] bytes(String value) {
		return value.getBytes(StandardCharsets.UTF_8);
	}

	@SuppressWarnings("NullAway")
	private static ChannelListener nullListener() {
		return null;
	}

	/**
	 * Records what an engine tells a listener.
	 */
	public static final class RecordingListener implements ChannelListener {

		private final AtomicInteger live = new AtomicInteger();

		private final List<EngineMessage> messages = new CopyOnWriteArrayList<>();

		private final List<Optional<Throwable>> ended = new CopyOnWriteArrayList<>();

		@Override
		public void live() {
			this.live.incrementAndGet();
		}

		@Override
		public void message(EngineMessage message) {
			this.messages.add(message);
		}

		@Override
		public void ended(@Nullable Throwable error) {
			this.ended.add(Optional.ofNullable(error));
		}

	}

}
