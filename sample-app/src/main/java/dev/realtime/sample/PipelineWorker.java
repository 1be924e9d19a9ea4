package dev.realtime.sample;

import java.time.Duration;
import java.util.concurrent.CancellationException;

import dev.realtime.run.Run;
import dev.realtime.run.RunDefinition;
import dev.realtime.sample.ContentPipeline.Approval;
import dev.realtime.sample.ContentPipeline.Status;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import org.jspecify.annotations.Nullable;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Simulates an LLM content pipeline as a named run, {@value #NAME}: research, an approval
 * by a person, then a draft streamed token by token at about 30 tokens a second.
 * Important transitions are durable steps, so a retried attempt does not send them again.
 * Being a {@link RunDefinition} bean, the run is executed again from its stored input by
 * another node when the node executing it dies; a cancel from the page interrupts it
 * wherever it runs.
 *
 * @author Realtime team
 */
@Configuration(proxyBeanMethods = false)
class PipelineWorker {

	/**
	 * Name of the run definition, the same on every node.
	 */
	static final String NAME = "content-pipeline";

	private static final Duration TOKEN_INTERVAL = Duration.ofMillis(33);

	private static final Duration APPROVAL_TIMEOUT = Duration.ofMinutes(3);

	@Bean
	RunDefinition<Input, Draft> contentPipeline() {
		return RunDefinition.of(NAME, Input.class, PipelineWorker::write);
	}

	private static Draft write(Run run, Input input) throws Exception {
		ContentPipelineChannel channel = ContentPipelineChannel.of(run.runId());
		String topic = input.topic();
		int failingAttempts = input.failingAttempts();
		boolean approval = input.approval();
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
			run.publish(channel.tokens(), token);
			text.append(token);
			Thread.sleep(TOKEN_INTERVAL.toMillis());
		}
		run.step("draft-complete").publish(channel.status(), new Status("Draft complete", "done"));
		return new Draft(topic, text.toString(), text.toString().split(" ").length, comment);
	}

	private static String suffix(@Nullable String comment) {
		return (comment != null && !comment.isBlank()) ? ": " + comment : "";
	}

	/**
	 * The input of a run, stored with its lease so that another node can execute it
	 * again.
	 *
	 * @param topic what to write about
	 * @param failingAttempts how many attempts fail on purpose after their first durable
	 * status, to show that retries do not repeat durable messages
	 * @param approval whether to wait for a person's approval
	 */
	record Input(@NotBlank @Size(max = 80) String topic, @Min(0) @Max(3) int failingAttempts, boolean approval) {
	}

	/**
	 * The result of a run.
	 *
	 * @param topic what the draft is about
	 * @param text the draft
	 * @param words how many words it has
	 * @param approvalComment the approver's comment, if any
	 */
	record Draft(String topic, String text, int words, @Nullable String approvalComment) {
	}

}
