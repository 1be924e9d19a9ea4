package dev.realtime.benchmarks.starter;

import dev.realtime.RealtimeChannel;
import dev.realtime.Topic;
import dev.realtime.TopicOptions;

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
	 * The ticks of a token stream: like the design's token streams, without history.
	 * @return the topic
	 */
	@TopicOptions(history = false)
	Topic<Tick> token();

	/**
	 * A text streamed token by token, as a model's answer: the engine keeps its text, not
	 * its tokens.
	 * @return the topic
	 */
	@TopicOptions(stream = true)
	Topic<String> text();

	/**
	 * A tick.
	 *
	 * @param t the wall-clock time of publishing in microseconds
	 * @param p padding
	 */
	record Tick(long t, String p) {
	}

}
