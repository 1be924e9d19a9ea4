package dev.realtime.presence;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.realtime.InvalidChannelException;
import dev.realtime.MessageKind;
import dev.realtime.PresenceMember;
import dev.realtime.RealtimeChannel;
import dev.realtime.Topic;
import dev.realtime.TopicDefinition;
import dev.realtime.catalog.DefaultChannelCatalog;
import dev.realtime.engine.ChannelListener;
import dev.realtime.engine.EngineMessage;
import dev.realtime.engine.memory.InMemoryEngine;
import dev.realtime.engine.memory.InMemoryPresenceStore;
import org.awaitility.Awaitility;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.test.StepVerifier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link PresenceTracker} on the memory engine: one join and one leave per user
 * however many subscriptions it has, the leave delay, the stop.
 *
 * @author Realtime team
 */
class PresenceTrackerTests {

	private static final Duration LEAVE_DELAY = Duration.ofMillis(300);

	private static final String CHANNEL = "lobby:one";

	private final JsonMapper mapper = JsonMapper.builder().build();

	private final InMemoryEngine engine = new InMemoryEngine(10, Duration.ofMinutes(1), Clock.systemUTC());

	private final PresenceTracker tracker = new PresenceTracker(new InMemoryPresenceStore(100), this.engine,
			DefaultChannelCatalog.of(TestLobby.class), this.mapper, LEAVE_DELAY, Duration.ofSeconds(5));

	private final List<JsonNode> events = new CopyOnWriteArrayList<>();

	private final Disposable listening = this.engine.listen(CHANNEL, new ChannelListener() {

		@Override
		public void live() {
		}

		@Override
		public void message(EngineMessage message) {
			assertThat(message.kind()).isEqualTo(MessageKind.PRESENCE);
			assertThat(message.topic()).isEqualTo(TopicDefinition.PRESENCE_TOPIC);
			PresenceTrackerTests.this.events.add(PresenceTrackerTests.this.mapper.readTree(message.data()));
		}

		@Override
		public void ended(@Nullable Throwable error) {
		}

	});

	@AfterEach
	void stop() {
		this.listening.dispose();
		this.tracker.stop();
		this.engine.destroy();
	}

	@Test
	void whenAUserOpensSeveralSubscriptionsThenOneJoinIsAnnouncedWithItsInfoAndCount() {
		this.tracker.start();
		this.tracker.enter(CHANNEL, "alice", Map.of("name", "Alice"), false);
		this.tracker.enter(CHANNEL, "alice", Map.of("name", "Alice"), true);
		this.tracker.enter(CHANNEL, "bob", Map.of(), true);
		awaitEvents(2);
		assertThat(this.events.get(0).toString())
			.isEqualTo("{\"type\":\"join\",\"user\":\"alice\",\"info\":{\"name\":\"Alice\"},\"count\":1}");
		assertThat(this.events.get(1).path("user").asString()).isEqualTo("bob");
		assertThat(this.events.get(1).path("count").asLong()).isEqualTo(2);
		StepVerifier.create(this.tracker.presence(CHANNEL))
			.assertNext((presence) -> assertThat(presence.members()).containsExactly(
					new PresenceMember("alice", Map.of("name", "Alice")), new PresenceMember("bob", Map.of())))
			.expectComplete()
			.verify(Duration.ofSeconds(5));
	}

	@Test
	void whenTheLastSubscriptionOfAUserExitsThenItLeavesAfterTheDelayOnce() throws InterruptedException {
		PresenceTracker.Presence first = this.tracker.enter(CHANNEL, "alice", Map.of(), true);
		PresenceTracker.Presence second = this.tracker.enter(CHANNEL, "alice", Map.of(), true);
		awaitEvents(1);
		first.exit();
		first.exit();
		Thread.sleep(LEAVE_DELAY.toMillis() * 2);
		assertThat(this.events).hasSize(1);
		long exited = System.nanoTime();
		second.exit();
		awaitEvents(2);
		assertThat(Duration.ofNanos(System.nanoTime() - exited)).isGreaterThanOrEqualTo(LEAVE_DELAY);
		assertThat(this.events.get(1).path("type").asString()).isEqualTo("leave");
		assertThat(this.events.get(1).path("count").asLong()).isZero();
		assertThat(this.tracker.count(CHANNEL).block(Duration.ofSeconds(5))).isZero();
	}

	@Test
	void whenAUserComesBackWithinTheLeaveDelayThenNeitherALeaveNorAJoinIsAnnounced() throws InterruptedException {
		this.tracker.enter(CHANNEL, "alice", Map.of(), true).exit();
		this.tracker.enter(CHANNEL, "alice", Map.of(), true);
		Thread.sleep(LEAVE_DELAY.toMillis() * 2);
		assertThat(this.events).hasSize(1);
		assertThat(this.events.get(0).path("type").asString()).isEqualTo("join");
	}

	@Test
	void whenASubscriptionNamesNoUserThenItIsNoMember() throws InterruptedException {
		this.tracker.enter(CHANNEL, null, Map.of(), true);
		Thread.sleep(100);
		assertThat(this.events).isEmpty();
		assertThat(this.tracker.count(CHANNEL).block(Duration.ofSeconds(5))).isZero();
	}

	@Test
	void whenTheTrackerStopsThenItsMembersLeaveWithoutTheDelay() {
		PresenceTracker tracker = new PresenceTracker(new InMemoryPresenceStore(100), this.engine,
				DefaultChannelCatalog.of(TestLobby.class), this.mapper, Duration.ofMinutes(1), Duration.ofSeconds(5));
		tracker.start();
		tracker.enter(CHANNEL, "alice", Map.of(), true);
		awaitEvents(1);
		tracker.stop();
		// well before the minute the leave would otherwise wait
		awaitEvents(2);
		assertThat(this.events.get(1).path("type").asString()).isEqualTo("leave");
		assertThat(tracker.isRunning()).isFalse();
	}

	@Test
	void whenAChannelDoesNotTrackPresenceOrIsUnknownThenQueriesFail() {
		PresenceTracker tracker = new PresenceTracker(new InMemoryPresenceStore(100), this.engine,
				DefaultChannelCatalog.of(TestLobby.class, TestPlain.class), this.mapper, LEAVE_DELAY,
				Duration.ofSeconds(5));
		StepVerifier.create(tracker.presence("plain:one"))
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(InvalidChannelException.class)
				.hasMessage("Channel 'plain:{id}' does not track presence; "
						+ "declare it with @RealtimeChannel(presence = true)"))
			.verify(Duration.ofSeconds(5));
		StepVerifier.create(tracker.presence("unknown:one"))
			.expectError(InvalidChannelException.class)
			.verify(Duration.ofSeconds(5));
	}

	private void awaitEvents(int count) {
		Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(this.events).hasSize(count));
	}

	@RealtimeChannel("plain:{id}")
	interface TestPlain {

		Topic<String> lines();

	}

}
