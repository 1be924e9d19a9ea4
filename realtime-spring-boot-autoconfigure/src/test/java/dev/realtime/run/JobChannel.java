package dev.realtime.run;

import dev.realtime.RealtimeChannel;
import dev.realtime.Topic;
import dev.realtime.TopicOptions;
import org.jspecify.annotations.Nullable;

/**
 * A channel for run tests: a status topic with history, a tick and an approval topic
 * without, and a stream of text.
 *
 * @author Realtime team
 */
@RealtimeChannel("job:{runId}")
interface JobChannel {

	Topic<Status> status();

	@TopicOptions(history = false)
	Topic<Tick> ticks();

	@TopicOptions(history = false)
	Topic<Approval> approval();

	@TopicOptions(stream = true)
	Topic<String> text();

	record Status(String message) {
	}

	record Tick(int n) {
	}

	record Approval(boolean approved, @Nullable String comment) {
	}

}
