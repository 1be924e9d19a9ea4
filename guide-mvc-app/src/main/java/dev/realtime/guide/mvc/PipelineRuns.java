package dev.realtime.guide.mvc;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.realtime.run.RealtimeRuns;
import dev.realtime.run.RunOptions;
import org.jspecify.annotations.Nullable;

import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController("pipelineRuns")
public class PipelineRuns {

	private final RealtimeRuns runs;

	public PipelineRuns(RealtimeRuns runs) {
		this.runs = runs;
	}

	@PostMapping("/api/pipeline")
	public Map<String, String> start(Authentication authentication) {
		// the run id names its owner, so that every node can check the channel's rule
		String runId = authentication.getName() + "~" + UUID.randomUUID();
		ContentPipelineChannel channel = ContentPipelineChannel.of(runId);
		this.runs.start(channel, RunOptions.defaults().withRunId(runId), (run) -> {
			run.publish(channel.status(), new ContentPipeline.Status("Researching", "research"));
			Thread.sleep(1000); // stands for real work: runs execute on their own threads
			run.publish(channel.status(), new ContentPipeline.Status("Writing", "draft"));
			for (String token : List.of("Hello", ", ", "realtime", "!")) {
				run.publish(channel.tokens(), new ContentPipeline.TokenChunk(token, "draft"));
			}
			return "Hello, realtime!";
		});
		return Map.of("runId", runId);
	}

	public boolean isOwner(@Nullable Authentication authentication, String runId) {
		return authentication != null && runId.startsWith(authentication.getName() + "~");
	}

}
