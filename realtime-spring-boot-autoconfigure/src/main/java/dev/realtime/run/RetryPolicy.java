package dev.realtime.run;

import java.time.Duration;

import org.springframework.util.Assert;

/**
 * How often a failed run is attempted again, and how long to wait in between: the wait
 * after attempt {@code n} is {@code initialBackoff * multiplier^(n-1)}, at most
 * {@code maxBackoff}.
 *
 * @param maxAttempts how many attempts a run gets in total, at least 1
 * @param initialBackoff the wait after the first failed attempt
 * @param multiplier the factor applied to the wait after each further failed attempt, at
 * least 1
 * @param maxBackoff the longest wait
 * @author Realtime team
 * @since 0.1.0
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, double multiplier, Duration maxBackoff) {

	/**
	 * Create a new instance.
	 * @param maxAttempts how many attempts a run gets in total, at least 1
	 * @param initialBackoff the wait after the first failed attempt
	 * @param multiplier the factor applied to the wait after each further failed attempt,
	 * at least 1
	 * @param maxBackoff the longest wait
	 */
	public RetryPolicy {
		Assert.isTrue(maxAttempts >= 1, "'maxAttempts' must be at least 1");
		Assert.notNull(initialBackoff, "'initialBackoff' must not be null");
		Assert.notNull(maxBackoff, "'maxBackoff' must not be null");
		Assert.isTrue(!initialBackoff.isNegative(), "'initialBackoff' must not be negative");
		Assert.isTrue(multiplier >= 1, "'multiplier' must be at least 1");
		Assert.isTrue(maxBackoff.compareTo(initialBackoff) >= 0, "'maxBackoff' must not be less than 'initialBackoff'");
	}

	/**
	 * A policy with a single attempt.
	 * @return the policy
	 */
	public static RetryPolicy none() {
		return new RetryPolicy(1, Duration.ZERO, 1, Duration.ZERO);
	}

	/**
	 * A policy with a fixed wait between attempts.
	 * @param maxAttempts how many attempts a run gets in total, at least 1
	 * @param backoff the wait between attempts
	 * @return the policy
	 */
	public static RetryPolicy of(int maxAttempts, Duration backoff) {
		return new RetryPolicy(maxAttempts, backoff, 1, backoff);
	}

	/**
	 * A policy with an exponential wait between attempts.
	 * @param maxAttempts how many attempts a run gets in total, at least 1
	 * @param initialBackoff the wait after the first failed attempt
	 * @param multiplier the factor applied to the wait after each further failed attempt,
	 * at least 1
	 * @param maxBackoff the longest wait
	 * @return the policy
	 */
	public static RetryPolicy of(int maxAttempts, Duration initialBackoff, double multiplier, Duration maxBackoff) {
		return new RetryPolicy(maxAttempts, initialBackoff, multiplier, maxBackoff);
	}

	/**
	 * Return how long to wait after a failed attempt.
	 * @param failedAttempt the number of the attempt that failed, from 1
	 * @return the wait before the next attempt
	 */
	public Duration backoff(int failedAttempt) {
		double millis = this.initialBackoff.toMillis() * Math.pow(this.multiplier, Math.max(0, failedAttempt - 1));
		return (millis >= this.maxBackoff.toMillis()) ? this.maxBackoff : Duration.ofMillis((long) millis);
	}

}
