package dev.realtime.sample;

import dev.realtime.RealtimeChannel;
import dev.realtime.Topic;
import dev.realtime.TopicOptions;
import jakarta.validation.constraints.NotBlank;
import org.jspecify.annotations.Nullable;

/**
 * The channel of one pipeline run: status lines, the streamed text, and the approval the
 * browser sends back. The user who started the run may subscribe, reply and, with a token
 * asked for with {@code "cancel": true} (the rule's {@code #cancel}), cancel it; other
 * signed-in users may watch it, without replying or cancelling. The channel tracks
 * presence, so that the page shows who is watching.
 *
 * @author Realtime team
 */
@RealtimeChannel(value = "pipeline:{runId}",
		authorize = "@pipelineRuns.isOwner(authentication, #runId) or (authenticated and #publish.isEmpty() and !#cancel)",
		presence = true)
public interface ContentPipeline {

	Topic<Status> status();

	/**
	 * The draft, streamed token by token: the engine keeps its text so far, which a page
	 * that reloads or reconnects receives at once.
	 * @return the topic
	 */
	@TopicOptions(stream = true)
	Topic<String> tokens();

	Topic<Approval> approval();

	record Status(@NotBlank String message, @Nullable String step) {
	}

	record Approval(boolean approved, @Nullable String comment) {
	}

}
