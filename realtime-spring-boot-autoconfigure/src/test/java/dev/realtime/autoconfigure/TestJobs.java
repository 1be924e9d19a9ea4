package dev.realtime.autoconfigure;

import dev.realtime.RealtimeChannel;
import dev.realtime.Topic;

/**
 * A channel of one owner's runs, whose rule lets anyone signed in read it and only its
 * owner cancel its runs.
 */
@RealtimeChannel(value = "jobs:{owner}", authorize = "authenticated and (!#cancel or #owner == authentication.name)")
public interface TestJobs {

	Topic<Progress> progress();

	record Progress(String step) {
	}

}
