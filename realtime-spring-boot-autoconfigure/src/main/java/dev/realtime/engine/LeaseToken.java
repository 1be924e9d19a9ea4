package dev.realtime.engine;

import org.springframework.util.Assert;

/**
 * Identifies a run's lease and one claim on it: a node that took a run over holds a new
 * claim, so that the node that held it before can no longer publish for it (fencing).
 *
 * @param channel the run's channel
 * @param runId the run id
 * @param claim unique to one acquisition or takeover of the lease
 * @author Realtime team
 * @since 0.1.0
 */
public record LeaseToken(String channel, String runId, String claim) {

	/**
	 * Create a new instance.
	 * @param channel the run's channel
	 * @param runId the run id
	 * @param claim unique to one acquisition or takeover of the lease
	 */
	public LeaseToken {
		Assert.hasText(channel, "'channel' must not be empty");
		Assert.hasText(runId, "'runId' must not be empty");
		Assert.hasText(claim, "'claim' must not be empty");
	}

}
