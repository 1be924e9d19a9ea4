package dev.realtime.sample;

import java.time.Duration;
import java.util.concurrent.CancellationException;

import dev.realtime.run.RealtimeRuns;
import dev.realtime.run.RetryPolicy;
import dev.realtime.run.Run;
import dev.realtime.run.RunHandle;
import dev.realtime.run.RunOptions;
import dev.realtime.sample.ContentPipeline.Approval;
import dev.realtime.sample.ContentPipeline.Status;
import dev.realtime.sample.ContentPipeline.TokenChunk;

import org.springframework.stereotype.Component;

/**
 * Simulates an LLM content pipeline as a run: research, an approval by a person, then a
 * draft streamed token by token at about 30 tokens a second. Important transitions are
 * durable steps, so a retried attempt does not send them again.
 *
 * @author Realtime team
 */
@Component
class PipelineWorker {

	private static final Duration TOKEN_INTERVAL = Duration.ofMillis(33);

	private static final Duration APPROVAL_TIMEOUT = Duration.ofMinutes(3);

	private final RealtimeRuns runs;

	PipelineWorker(RealtimeRuns runs) {
		this.runs = runs;
	}

	/**
	 * Start a run.
	 * @param runId the run id, also the channel parameter
	 * @param topic what to write about
	 * @param failingAttempts how many attempts fail on purpose after their first durable
	 * status, to show that retries do not repeat durable messages
	 * @param approval whether to wait for a person's approval
	 * @return the run
	 */
	RunHandle<Draft> start(String runId, String topic, int failingAttempts, boolean approval) {
		RunOptions options = RunOptions.defaults()
			.withRunId(runId)
			.withRetry(RetryPolicy.of(failingAttempts + 1, Duration.ofMillis(500)));
		return this.runs.start(ContentPipelineChannel.of(runId), options,
				(run) -> write(run, ContentPipelineChannel.of(runId), topic, failingAttempts, approval));
	}

	private Draft write(Run run, ContentPipelineChannel channel, String topic, int failingAttempts, boolean approval)
			throws Exception {
		run.step("research-started").publish(channel.status(), new Status("Researching \"" + topic + "\"", "research"));
		if (run.attempt() <= failingAttempts) {
			throw new IllegalStateException("Simulated failure in attempt " + run.attempt());
		}
		Thread.sleep(800);
		run.step("research-complete")
			.publish(channel.status(), new Status("Research complete: 3 sources found", "research"));
		String comment = null;
		if (approval) {
			run.step("approval-requested")
				.publish(channel.status(), new Status("Approve the outline about \"" + topic + "\"?", "approval"));
			Approval answer = run.step("approval")
				.run(Approval.class, () -> run.awaitReply(channel.approval(), APPROVAL_TIMEOUT));
			comment = answer.comment();
			if (!answer.approved()) {
				run.step("rejected").publish(channel.status(), new Status("Not approved" + suffix(comment), "review"));
				throw new CancellationException("Not approved");
			}
			run.step("approved").publish(channel.status(), new Status("Approved" + suffix(comment), "review"));
		}
		run.step("draft-started").publish(channel.status(), new Status("Writing the draft", "draft"));
		StringBuilder text = new StringBuilder();
		for (String token : Drafts.draft(topic)) {
			run.publish(channel.tokens(), new TokenChunk(token, "draft"));
			text.append(token);
			Thread.sleep(TOKEN_INTERVAL.toMillis());
		}
		run.step("draft-complete").publish(channel.status(), new Status("Draft complete", "done"));
		return new Draft(topic, text.toString(), text.toString().split(" ").length, comment);
	}

	private static String suffix(String comment) {
		return (comment != null && !comment.isBlank()) ? ": " + comment : "";
	}

	/**
	 * The result of a run.
	 *
	 * @param topic what the draft is about
	 * @param text the draft
	 * @param words how many words it has
	 * @param approvalComment the approver's comment, if any
	 */
	record Draft(String topic, String text, int words, String approvalComment) {
	}

}
