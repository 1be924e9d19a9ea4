package dev.realtime.actuate;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

import dev.realtime.MessageKind;
import dev.realtime.delivery.LocalFanOut;
import dev.realtime.engine.ChannelListener;
import dev.realtime.engine.EngineHealth;
import dev.realtime.engine.EngineMessage;
import dev.realtime.engine.History;
import dev.realtime.engine.PublishRequest;
import dev.realtime.engine.RealtimeEngine;
import dev.realtime.engine.Replay;
import dev.realtime.engine.memory.InMemoryEngine;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Mono;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RealtimeHealthIndicator}.
 *
 * @author Realtime team
 */
class RealtimeHealthIndicatorTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	@Test
	void whenEngineIsInMemoryThenUpWithTheNodeAndItsSubscriptions() {
		InMemoryEngine engine = new InMemoryEngine(10, Duration.ofMinutes(1), Clock.systemUTC());
		try {
			engine
				.publish(new PublishRequest("pipeline:1", "status", "{}".getBytes(StandardCharsets.UTF_8), null,
						MessageKind.DATA, true))
				.block(TIMEOUT);
			LocalFanOut fanOut = new LocalFanOut(engine, 16, TIMEOUT);
			Disposable subscription = fanOut.subscribe("pipeline:2", Set.of("status"), Replay.none()).subscribe();
			try {
				Health health = new RealtimeHealthIndicator(fanOut).health().block(TIMEOUT);
				assertThat(health.getStatus()).isEqualTo(Status.UP);
				assertThat(health.getDetails()).containsExactly(Map.entry("engine", "memory"),
						Map.entry("node", fanOut.nodeId()),
						Map.entry("connections", Map.of("sse", 0L, "websocket", 0L)), Map.entry("subscriptions", 1L),
						Map.entry("subscribedChannels", 1), Map.entry("channels", 2));
			}
			finally {
				subscription.dispose();
			}
		}
		finally {
			engine.destroy();
		}
	}

	@Test
	void whenEngineReportsAProblemThenDownWithTheProblem() {
		Health health = new RealtimeHealthIndicator(
				fanOut(Mono.just(EngineHealth.down("redis", "Redis does not answer", Map.of("channelsCatchingUp", 3)))))
			.health()
			.block(TIMEOUT);
		assertThat(health.getStatus()).isEqualTo(Status.DOWN);
		assertThat(health.getDetails()).containsKeys("node", "connections", "subscriptions", "subscribedChannels")
			.containsEntry("engine", "redis")
			.containsEntry("channelsCatchingUp", 3)
			.containsEntry("problem", "Redis does not answer");
	}

	@Test
	void whenTheHealthCheckFailsThenDownWithTheError() {
		Health health = new RealtimeHealthIndicator(fanOut(Mono.error(new IllegalStateException("boom")))).health()
			.block(TIMEOUT);
		assertThat(health.getStatus()).isEqualTo(Status.DOWN);
		assertThat(health.getDetails()).containsEntry("error", "java.lang.IllegalStateException: boom");
	}

	@Test
	void whenEngineDoesNotCheckItsHealthThenUpNamingItsType() {
		Health health = new RealtimeHealthIndicator(new LocalFanOut(new StubEngine(), 16, TIMEOUT)).health()
			.block(TIMEOUT);
		assertThat(health.getStatus()).isEqualTo(Status.UP);
		assertThat(health.getDetails()).containsEntry("engine", "StubEngine");
	}

	private static LocalFanOut fanOut(Mono<EngineHealth> health) {
		return new LocalFanOut(new StubEngine() {

			@Override
			public Mono<EngineHealth> health() {
				return health;
			}

		}, 16, TIMEOUT);
	}

	static class StubEngine implements RealtimeEngine {

		@Override
		public Mono<EngineMessage> publish(PublishRequest request) {
			return Mono.empty();
		}

		@Override
		public Disposable listen(String channel, ChannelListener listener) {
			return Disposables.disposed();
		}

		@Override
		public Mono<History> history(String channel, Replay replay) {
			return Mono.just(History.none());
		}

	}

}
