package dev.realtime.sample;

import java.security.Principal;
import java.time.Duration;
import java.util.Map;

import dev.realtime.run.RealtimeRuns;
import dev.realtime.run.RetryPolicy;
import dev.realtime.run.RunDefinition;
import dev.realtime.run.RunOptions;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Size;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpStatus;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * Starts pipeline runs: {@code POST /api/pipeline} with an optional {@code {"topic":"…"}}
 * answers {@code {"runId":"…"}} at once; the run streams on channel
 * {@code pipeline:<runId>}.
 *
 * @author Realtime team
 */
@RestController
@Validated
class PipelineController {

	// one attempt more than those failing on purpose, so that a run whose node died is
	// executed again on another
	private static final int SPARE_ATTEMPTS = 1;

	private final PipelineRuns pipelineRuns;

	private final RealtimeRuns runs;

	private final RunDefinition<PipelineWorker.Input, PipelineWorker.Draft> pipeline;

	PipelineController(PipelineRuns pipelineRuns, RealtimeRuns runs,
			RunDefinition<PipelineWorker.Input, PipelineWorker.Draft> pipeline) {
		this.pipelineRuns = pipelineRuns;
		this.runs = runs;
		this.pipeline = pipeline;
	}

	/**
	 * Start a run.
	 * @param principal the caller, who will own the run
	 * @param fail how many attempts fail on purpose (0 to 3)
	 * @param approval whether the run waits for an approval
	 * @param body an optional topic
	 * @return the run id and its channel
	 */
	@PostMapping("/api/pipeline")
	@ResponseStatus(HttpStatus.ACCEPTED)
	Map<String, String> start(Principal principal, @RequestParam(defaultValue = "0") @Min(0) @Max(3) int fail,
			@RequestParam(defaultValue = "true") boolean approval,
			@RequestBody(required = false) @Nullable StartRequest body) {
		String topic = (body != null && body.topic() != null && !body.topic().isBlank()) ? body.topic()
				: "realtime streams in Spring Boot";
		String runId = this.pipelineRuns.newRunId(principal.getName());
		RunOptions options = RunOptions.defaults()
			.withRunId(runId)
			.withRetry(RetryPolicy.of(fail + 1 + SPARE_ATTEMPTS, Duration.ofMillis(500)));
		this.runs.start(this.pipeline, ContentPipelineChannel.of(runId),
				new PipelineWorker.Input(topic, fail, approval), options);
		return Map.of("runId", runId, "channel", "pipeline:" + runId);
	}

	@GetMapping("/api/me")
	Map<String, String> me(Principal principal) {
		return Map.of("name", principal.getName());
	}

	record StartRequest(@Nullable @Size(max = 80) String topic) {
	}

}
