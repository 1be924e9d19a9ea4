package dev.realtime.catalog;

import java.util.List;

import dev.realtime.RealtimeChannel;
import dev.realtime.Topic;
import dev.realtime.TopicOptions;

/**
 * Channel interfaces for the catalog tests.
 *
 * @author Realtime team
 */
final class TestChannels {

	private TestChannels() {
	}

	@RealtimeChannel(value = "pipeline:{runId}", authorize = "#runId != null")
	interface Pipeline {

		Topic<Status> status();

		@TopicOptions(history = false)
		Topic<List<String>> tokens();

		String runId();

	}

	@RealtimeChannel("chat:{room}:thread:{thread}")
	interface ChatThread {

		Topic<String> lines();

	}

	@RealtimeChannel("chat:{room}:members")
	interface ChatMembers {

		Topic<String> joined();

	}

	@RealtimeChannel("announcements")
	interface Announcements {

		Topic<String> news();

	}

	@RealtimeChannel("pipeline:{other}")
	interface OverlappingPipeline {

		Topic<String> status();

	}

	record Status(String message) {
	}

}
