package dev.realtime.engine;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * What the engine keeps about a run while a node executes it, so that another node can
 * take it over when that node is gone.
 *
 * @param token identifies the run and the claim of the node that holds it
 * @param definition the name of the run's definition, {@code null} for an ad-hoc run that
 * only its first node can execute
 * @param input the input of a named run as JSON, {@code null} for an ad-hoc run
 * @param attempt the attempt the holder executes, from 1
 * @param maxAttempts how many attempts the run may have in total
 * @param owner the node that holds the lease
 * @param startedAt when the run was first started
 * @param cancelRequested whether someone asked to cancel the run
 * @author Realtime team
 * @since 0.1.0
 */
public record RunLease(LeaseToken token, @Nullable String definition, byte @Nullable [] input, int attempt,
		int maxAttempts, String owner, Instant startedAt, boolean cancelRequested) {

	/**
	 * Create a new instance.
	 * @param token identifies the run and the claim of the node that holds it
	 * @param definition the name of the run's definition, {@code null} for an ad-hoc run
	 * @param input the input of a named run as JSON, {@code null} for an ad-hoc run
	 * @param attempt the attempt the holder executes, from 1
	 * @param maxAttempts how many attempts the run may have in total
	 * @param owner the node that holds the lease
	 * @param startedAt when the run was first started
	 * @param cancelRequested whether someone asked to cancel the run
	 */
	public RunLease {
		Assert.notNull(token, "'token' must not be null");
		Assert.isTrue(attempt > 0, "'attempt' must be positive");
		Assert.isTrue(maxAttempts > 0, "'maxAttempts' must be positive");
		Assert.hasText(owner, "'owner' must not be empty");
		Assert.notNull(startedAt, "'startedAt' must not be null");
	}

}
