package dev.realtime.sample;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Component;

/**
 * Remembers who started each run, so that only its owner gets a token for its channel.
 *
 * @author Realtime team
 */
@Component("pipelineRuns")
public class PipelineRuns {

	private final Map<String, String> owners = new ConcurrentHashMap<>();

	String register(String owner) {
		String runId = UUID.randomUUID().toString();
		this.owners.put(runId, owner);
		return runId;
	}

	/**
	 * Whether the caller started the run; used by the channel's authorization rule.
	 * @param authentication the caller, or {@code null}
	 * @param runId the run id from the channel name
	 * @return whether the caller owns the run
	 */
	public boolean isOwner(@Nullable Authentication authentication, String runId) {
		return authentication != null && authentication.getName().equals(this.owners.get(runId));
	}

}
