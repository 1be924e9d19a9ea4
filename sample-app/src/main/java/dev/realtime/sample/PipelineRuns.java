package dev.realtime.sample;

import java.util.UUID;

import org.jspecify.annotations.Nullable;

import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Component;

/**
 * Names runs after their owner ({@code alice~<uuid>}), so that any node can tell who may
 * subscribe to a run's channel without sharing state.
 *
 * @author Realtime team
 */
@Component("pipelineRuns")
public class PipelineRuns {

	private static final String SEPARATOR = "~";

	String newRunId(String owner) {
		return owner + SEPARATOR + UUID.randomUUID();
	}

	/**
	 * Whether the caller started the run; used by the channel's authorization rule.
	 * @param authentication the caller, or {@code null}
	 * @param runId the run id from the channel name
	 * @return whether the caller owns the run
	 */
	public boolean isOwner(@Nullable Authentication authentication, String runId) {
		return authentication != null && runId.startsWith(authentication.getName() + SEPARATOR);
	}

}
