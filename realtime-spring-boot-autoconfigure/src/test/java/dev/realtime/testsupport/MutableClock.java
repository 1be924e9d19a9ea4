package dev.realtime.testsupport;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A clock in UTC that stands still until a test moves it forward; event loops and other
 * threads may read it while the test does.
 *
 * @author Realtime team
 */
public final class MutableClock extends Clock {

	private final AtomicReference<Instant> now;

	/**
	 * Create a clock.
	 * @param start its time until it is moved
	 */
	public MutableClock(Instant start) {
		this.now = new AtomicReference<>(start);
	}

	/**
	 * Move the clock forward.
	 * @param duration by how much
	 */
	public void advance(Duration duration) {
		this.now.updateAndGet((now) -> now.plus(duration));
	}

	@Override
	public ZoneId getZone() {
		return ZoneOffset.UTC;
	}

	@Override
	public Clock withZone(ZoneId zone) {
		throw new UnsupportedOperationException();
	}

	@Override
	public Instant instant() {
		return this.now.get();
	}

}
