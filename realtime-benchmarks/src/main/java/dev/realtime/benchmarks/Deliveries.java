package dev.realtime.benchmarks;

import java.util.concurrent.atomic.LongAdder;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * What a group of subscriptions received: deliveries, their latency, and how the
 * connections fared. Recorded from the event loops without locks.
 *
 * @author Realtime team
 * @since 0.1.0
 */
public final class Deliveries {

	private final LongAdder delivered = new LongAdder();

	private final Recorder latencies = new Recorder(3);

	final LongAdder connected = new LongAdder();

	final LongAdder failed = new LongAdder();

	final LongAdder closed = new LongAdder();

	void delivered(long latencyMicros) {
		this.delivered.increment();
		this.latencies.recordValue(Math.max(0, latencyMicros));
	}

	/**
	 * Start a new measurement interval.
	 */
	public void reset() {
		this.delivered.reset();
		this.latencies.reset();
	}

	/**
	 * Return the deliveries of the current interval.
	 * @return the number of messages received
	 */
	public long delivered() {
		return this.delivered.sum();
	}

	/**
	 * Return the latencies recorded since the last call or {@link #reset()}.
	 * @return the latencies in microseconds
	 */
	public Histogram latencies() {
		return this.latencies.getIntervalHistogram();
	}

	/**
	 * Return how many subscriptions got their response headers or handshake.
	 * @return the number of connected subscriptions
	 */
	public long connected() {
		return this.connected.sum();
	}

	/**
	 * Return how many subscriptions failed to open or ended with an error.
	 * @return the number of failures
	 */
	public long failed() {
		return this.failed.sum();
	}

	/**
	 * Return how many subscriptions the server ended.
	 * @return the number of closed subscriptions
	 */
	public long closed() {
		return this.closed.sum();
	}

}
