package dev.realtime.sample;

import java.security.Principal;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * Starts pipeline runs: {@code POST /api/pipeline} with an optional
 * {@code {"topic":"…"}} answers {@code {"runId":"…"}} at once; the run streams on channel
 * {@code pipeline:<runId>}.
 *
 * @author Realtime team
 */
@RestController
class PipelineController {

	private final PipelineRuns runs;

	private final PipelineWorker worker;

	PipelineController(PipelineRuns runs, PipelineWorker worker) {
		this.runs = runs;
		this.worker = worker;
	}

	@PostMapping("/api/pipeline")
	@ResponseStatus(HttpStatus.ACCEPTED)
	Mono<Map<String, String>> start(Principal principal, @RequestBody(required = false) @Nullable StartRequest body) {
		String topic = (body != null && body.topic() != null && !body.topic().isBlank()) ? body.topic()
				: "realtime streams in Spring Boot";
		String runId = this.runs.register(principal.getName());
		this.worker.start(runId, topic);
		return Mono.just(Map.of("runId", runId, "channel", "pipeline:" + runId));
	}

	@GetMapping("/api/me")
	Map<String, String> me(Principal principal) {
		return Map.of("name", principal.getName());
	}

	record StartRequest(@Nullable String topic) {
	}

}
