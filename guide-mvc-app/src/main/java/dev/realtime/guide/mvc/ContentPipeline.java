package dev.realtime.guide.mvc;

import dev.realtime.RealtimeChannel;
import dev.realtime.Topic;
import dev.realtime.TopicOptions;
import jakarta.validation.constraints.NotBlank;
import org.jspecify.annotations.Nullable;

@RealtimeChannel(value = "pipeline:{runId}", authorize = "@pipelineRuns.isOwner(authentication, #runId)")
public interface ContentPipeline {

	Topic<Status> status();

	@TopicOptions(history = false) // token streams need no replay
	Topic<TokenChunk> tokens();

	Topic<Approval> approval();

	record Status(@NotBlank String message, @Nullable String step) {
	}

	record TokenChunk(String token, String step) {
	}

	record Approval(boolean approved, @Nullable String comment) {
	}

}
