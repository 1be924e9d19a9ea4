package dev.realtime.sample;

import java.security.Principal;
import java.util.Map;

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

	private final PipelineRuns runs;

	private final PipelineWorker worker;

	PipelineController(PipelineRuns runs, PipelineWorker worker) {
		this.runs = runs;
		this.worker = worker;
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
		String runId = this.runs.newRunId(principal.getName());
		this.worker.start(runId, topic, fail, approval);
		return Map.of("runId", runId, "channel", "pipeline:" + runId);
	}

	@GetMapping("/api/me")
	Map<String, String> me(Principal principal) {
		return Map.of("name", principal.getName());
	}

	record StartRequest(@Nullable @Size(max = 80) String topic) {
	}

}
