package dev.realtime.engine.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import dev.realtime.MessageKind;
import dev.realtime.engine.ChannelListener;
import dev.realtime.engine.EngineMessage;
import dev.realtime.engine.PublishRequest;
import dev.realtime.engine.redis.RedisEngineStatistics.CatchUp;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link LiveChannel} on a real Redis, handing it the pub/sub messages and
 * confirmations by hand, so that the order in which they reach the node is the test's:
 * what a node must deliver after it re-subscribed and read what it missed.
 */
@EnabledIfRedis
class LiveChannelTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	private static final String PREFIX = TestRedis.uniquePrefix();

	private static LettuceConnectionFactory factory;

	private final RedisEngine engine = new RedisEngine(factory, PREFIX, 100, Duration.ofMinutes(1), 100, TIMEOUT);

	private final String name = "live:" + System.nanoTime();

	private final LiveChannel channel = new LiveChannel(this.engine, this.name, PREFIX + "{" + this.name + "}:live",
			100);

	private final Recorder recorder = new Recorder();

	@BeforeAll
	static void connect() {
		factory = TestRedis.connectionFactory(EnabledIfRedis.PORT);
	}

	@AfterAll
	static void disconnect() {
		TestRedis.deleteKeys(factory, PREFIX);
		factory.destroy();
	}

	@AfterEach
	void release() {
		this.channel.endAll(null);
		this.engine.destroy();
	}

	@Test
	void whenAMessageNotRetainedArrivesAfterTheReadOfWhatWasMissedThenItIsStillDelivered() {
		goLive();
		EngineMessage first = publish(1, true);
		this.channel.onMessage(first);
		// published after Redis re-established the subscription, on its way while the
		// node reads what it missed
		EngineMessage late = publish(2, false);
		catchUp();
		this.channel.onMessage(late);
		EngineMessage next = publish(3, true);
		this.channel.onMessage(next);
		assertThat(this.recorder.messages).containsExactly(first, late, next);
		assertThat(this.engine.statistics().gaps()).isZero();
	}

	@Test
	void whenAMessageNotRetainedWasMissedThenTheNextOneIsDeliveredWithoutAnotherCatchUp() {
		goLive();
		EngineMessage first = publish(1, true);
		this.channel.onMessage(first);
		// published while the node was away: it never arrives
		publish(2, false);
		catchUp();
		EngineMessage next = publish(3, true);
		this.channel.onMessage(next);
		assertThat(this.recorder.messages).containsExactly(first, next);
		assertThat(this.engine.statistics().gaps()).isZero();
		assertThat(this.engine.statistics().catchUps(CatchUp.RECOVERED)).isOne();
	}

	@Test
	void whenARetainedMessageWasMissedThenTheCatchUpDeliversItOnceInOrder() {
		goLive();
		EngineMessage first = publish(1, true);
		this.channel.onMessage(first);
		EngineMessage missed = publish(2, true);
		catchUp();
		// pub/sub delivers it after all: a duplicate
		this.channel.onMessage(missed);
		EngineMessage next = publish(3, true);
		this.channel.onMessage(next);
		assertThat(this.recorder.messages).extracting(EngineMessage::id)
			.containsExactly(first.id(), missed.id(), next.id());
	}

	private void goLive() {
		this.channel.add(this.recorder);
		this.channel.start();
		await().atMost(TIMEOUT).until(() -> this.recorder.live.get() == 1);
		// Redis's confirmation of the subscription itself
		assertThat(this.channel.onSubscriptionConfirmed()).isFalse();
	}

	// Redis confirms the subscription again after a reconnection: the node reads what
	// it missed
	private void catchUp() {
		long before = this.engine.statistics().catchUps(CatchUp.RECOVERED);
		assertThat(this.channel.onSubscriptionConfirmed()).isTrue();
		await().atMost(TIMEOUT).until(() -> this.engine.statistics().catchUps(CatchUp.RECOVERED) > before);
	}

	private EngineMessage publish(int value, boolean retain) {
		return this.engine
			.publish(new PublishRequest(this.name, "status",
					("{\"value\":" + value + "}").getBytes(StandardCharsets.UTF_8), null, MessageKind.DATA, retain))
			.block(TIMEOUT);
	}

	private static final class Recorder implements ChannelListener {

		private final AtomicInteger live = new AtomicInteger();

		private final List<EngineMessage> messages = new CopyOnWriteArrayList<>();

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
		}

	}

}
