package dev.realtime.run;

import dev.realtime.ChannelTemplate;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * Options of one run: its id and its retry policy. Immutable; each {@code with...} method
 * returns a copy.
 *
 * @author Realtime team
 * @since 0.1.0
 */
public final class RunOptions {

	private static final RunOptions DEFAULTS = new RunOptions(null, null);

	private final @Nullable String runId;

	private final @Nullable RetryPolicy retry;

	private RunOptions(@Nullable String runId, @Nullable RetryPolicy retry) {
		this.runId = runId;
		this.retry = retry;
	}

	/**
	 * Options with a generated run id and the default retry policy.
	 * @return the options
	 */
	public static RunOptions defaults() {
		return DEFAULTS;
	}

	/**
	 * Return a copy with the given run id, for example the one the run's channel is named
	 * after. It follows the rules of channel parameter values so that it can be one.
	 * @param runId the run id: 1 to 128 letters, digits or {@code . _ ~ @ + = -}
	 * @return the options
	 * @throws dev.realtime.InvalidChannelException if the id is not allowed
	 */
	public RunOptions withRunId(String runId) {
		Assert.notNull(runId, "'runId' must not be null");
		ChannelTemplate.checkValue("runId", runId);
		return new RunOptions(runId, this.retry);
	}

	/**
	 * Return a copy with the given retry policy.
	 * @param retry the retry policy
	 * @return the options
	 */
	public RunOptions withRetry(RetryPolicy retry) {
		Assert.notNull(retry, "'retry' must not be null");
		return new RunOptions(this.runId, retry);
	}

	/**
	 * Return the run id.
	 * @return the run id, or {@code null} to generate one
	 */
	public @Nullable String runId() {
		return this.runId;
	}

	/**
	 * Return the retry policy.
	 * @return the retry policy, or {@code null} for the default one
	 */
	public @Nullable RetryPolicy retry() {
		return this.retry;
	}

}
