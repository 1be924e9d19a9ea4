package dev.realtime.actuate;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

import dev.realtime.MessageKind;
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
	void whenEngineIsInMemoryThenUpWithItsChannels() {
		InMemoryEngine engine = new InMemoryEngine(10, Duration.ofMinutes(1), Clock.systemUTC());
		try {
			engine
				.publish(new PublishRequest("pipeline:1", "status", "{}".getBytes(StandardCharsets.UTF_8), null,
						MessageKind.DATA, true))
				.block(TIMEOUT);
			Health health = new RealtimeHealthIndicator(engine).health().block(TIMEOUT);
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsExactly(Map.entry("engine", "memory"), Map.entry("channels", 1));
		}
		finally {
			engine.destroy();
		}
	}

	@Test
	void whenEngineReportsAProblemThenDownWithTheProblem() {
		Health health = new RealtimeHealthIndicator(
				engine(Mono.just(EngineHealth.down("redis", "Redis does not answer", Map.of("channels", 3)))))
			.health()
			.block(TIMEOUT);
		assertThat(health.getStatus()).isEqualTo(Status.DOWN);
		assertThat(health.getDetails()).containsExactly(Map.entry("engine", "redis"), Map.entry("channels", 3),
				Map.entry("problem", "Redis does not answer"));
	}

	@Test
	void whenTheHealthCheckFailsThenDownWithTheError() {
		Health health = new RealtimeHealthIndicator(engine(Mono.error(new IllegalStateException("boom")))).health()
			.block(TIMEOUT);
		assertThat(health.getStatus()).isEqualTo(Status.DOWN);
		assertThat(health.getDetails()).containsEntry("error", "java.lang.IllegalStateException: boom");
	}

	@Test
	void whenEngineDoesNotCheckItsHealthThenUpNamingItsType() {
		Health health = new RealtimeHealthIndicator(new StubEngine()).health().block(TIMEOUT);
		assertThat(health.getStatus()).isEqualTo(Status.UP);
		assertThat(health.getDetails()).containsExactly(Map.entry("engine", "StubEngine"));
	}

	private static RealtimeEngine engine(Mono<EngineHealth> health) {
		return new StubEngine() {

			@Override
			public Mono<EngineHealth> health() {
				return health;
			}

		};
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
