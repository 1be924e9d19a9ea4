package dev.realtime.autoconfigure;

import dev.realtime.RealtimeChannel;
import dev.realtime.Topic;
import dev.realtime.TopicOptions;
import jakarta.validation.constraints.NotBlank;

@RealtimeChannel(value = "pipeline:{runId}", authorize = "#runId.startsWith('open-')")
public interface TestPipeline {

	Topic<Status> status();

	@TopicOptions(history = false)
	Topic<Token> tokens();

	Topic<Approval> approval();

	record Status(@NotBlank String message) {
	}

	record Token(String token) {
	}

	record Approval(boolean approved) {
	}

}
