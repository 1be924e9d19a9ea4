package dev.realtime.benchmarks.starter;

import dev.realtime.RealtimeChannel;
import dev.realtime.Topic;

/**
 * The benchmark channel: anyone may subscribe.
 *
 * @author Realtime team
 * @since 0.1.0
 */
@RealtimeChannel(value = "bench:{id}", authorize = "true")
public interface Bench {

	/**
	 * The ticks: a timestamp and some padding.
	 * @return the topic
	 */
	Topic<Tick> tick();

	/**
	 * A tick.
	 *
	 * @param t the wall-clock time of publishing in microseconds
	 * @param p padding
	 */
	record Tick(long t, String p) {
	}

}
