package dev.realtime.run;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

import dev.realtime.testsupport.MutableClock;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link InMemoryRunMemoStore}.
 *
 * @author Realtime team
 */
class InMemoryRunMemoStoreTests {

	private static final Duration WAIT = Duration.ofSeconds(1);

	private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

	@Test
	void whenStepIsRecordedThenFirstValueWins() {
		InMemoryRunMemoStore store = new InMemoryRunMemoStore(10, this.clock);
		assertThat(store.putIfAbsent("run", "step", bytes("first")).block(WAIT)).isTrue();
		assertThat(store.putIfAbsent("run", "step", bytes("second")).block(WAIT)).isFalse();
		assertThat(store.get("run", "step").block(WAIT)).isEqualTo(bytes("first"));
		assertThat(store.get("run", "other").block(WAIT)).isNull();
		assertThat(store.get("other", "step").block(WAIT)).isNull();
	}

	@Test
	void whenRunCompletedThenRecordsExpireAfterTtl() {
		InMemoryRunMemoStore store = new InMemoryRunMemoStore(10, this.clock);
		store.putIfAbsent("run", "step", bytes("value")).block(WAIT);
		store.complete("run", Duration.ofMinutes(10)).block(WAIT);
		this.clock.advance(Duration.ofMinutes(9));
		assertThat(store.get("run", "step").block(WAIT)).isEqualTo(bytes("value"));
		this.clock.advance(Duration.ofMinutes(1));
		assertThat(store.get("run", "step").block(WAIT)).isNull();
		assertThat(store.size()).isZero();
	}

	@Test
	void whenActiveRunIsNotCompletedThenRecordsDoNotExpire() {
		InMemoryRunMemoStore store = new InMemoryRunMemoStore(10, this.clock);
		store.putIfAbsent("run", "step", bytes("value")).block(WAIT);
		this.clock.advance(Duration.ofDays(7));
		assertThat(store.get("run", "step").block(WAIT)).isEqualTo(bytes("value"));
	}

	@Test
	void whenStoreIsFullThenEndedRunsAreDroppedBeforeActiveOnes() {
		InMemoryRunMemoStore store = new InMemoryRunMemoStore(2, this.clock);
		store.putIfAbsent("active", "step", bytes("a")).block(WAIT);
		store.putIfAbsent("ended", "step", bytes("e")).block(WAIT);
		store.complete("ended", Duration.ofHours(1)).block(WAIT);
		store.putIfAbsent("new", "step", bytes("n")).block(WAIT);
		assertThat(store.size()).isEqualTo(2);
		assertThat(store.get("active", "step").block(WAIT)).isEqualTo(bytes("a"));
		assertThat(store.get("ended", "step").block(WAIT)).isNull();
		store.putIfAbsent("newer", "step", bytes("n")).block(WAIT);
		assertThat(store.size()).isEqualTo(2);
		assertThat(store.get("active", "step").block(WAIT)).isNull();
		assertThat(store.get("newer", "step").block(WAIT)).isEqualTo(bytes("n"));
	}

	@Test
	void whenStoreIsFullThenExpiredRunsAreDroppedBeforeEndedOnes() {
		InMemoryRunMemoStore store = new InMemoryRunMemoStore(2, this.clock);
		store.putIfAbsent("ended", "step", bytes("e")).block(WAIT);
		store.complete("ended", Duration.ofHours(1)).block(WAIT);
		store.putIfAbsent("expired", "step", bytes("x")).block(WAIT);
		store.complete("expired", Duration.ofMinutes(1)).block(WAIT);
		this.clock.advance(Duration.ofMinutes(2));
		store.putIfAbsent("new", "step", bytes("n")).block(WAIT);
		assertThat(store.size()).isEqualTo(2);
		assertThat(store.get("ended", "step").block(WAIT)).isEqualTo(bytes("e"));
		assertThat(store.get("new", "step").block(WAIT)).isEqualTo(bytes("n"));
	}

	@Test
	void whenStoredArrayIsModifiedThenRecordIsUnchanged() {
		InMemoryRunMemoStore store = new InMemoryRunMemoStore(10, this.clock);
		byte[] value = bytes("value");
		store.putIfAbsent("run", "step", value).block(WAIT);
		value[0] = 'X';
		store.get("run", "step").block(WAIT)[1] = 'Y';
		assertThat(store.get("run", "step").block(WAIT)).isEqualTo(bytes("value"));
	}

	private static byte[] bytes(String value) {
		return value.getBytes(StandardCharsets.UTF_8);
	}

}
