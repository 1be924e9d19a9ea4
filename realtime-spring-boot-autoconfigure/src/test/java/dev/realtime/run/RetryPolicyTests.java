package dev.realtime.run;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link RetryPolicy}.
 *
 * @author Realtime team
 */
class RetryPolicyTests {

	@Test
	void whenExponentialThenBackoffGrowsUpToMaximum() {
		RetryPolicy policy = RetryPolicy.of(5, Duration.ofSeconds(1), 2, Duration.ofSeconds(5));
		assertThat(policy.backoff(1)).isEqualTo(Duration.ofSeconds(1));
		assertThat(policy.backoff(2)).isEqualTo(Duration.ofSeconds(2));
		assertThat(policy.backoff(3)).isEqualTo(Duration.ofSeconds(4));
		assertThat(policy.backoff(4)).isEqualTo(Duration.ofSeconds(5));
		assertThat(policy.backoff(100)).isEqualTo(Duration.ofSeconds(5));
	}

	@Test
	void whenFixedThenBackoffIsConstant() {
		RetryPolicy policy = RetryPolicy.of(3, Duration.ofMillis(250));
		assertThat(policy.backoff(1)).isEqualTo(Duration.ofMillis(250));
		assertThat(policy.backoff(2)).isEqualTo(Duration.ofMillis(250));
	}

	@Test
	void whenNoneThenSingleAttempt() {
		assertThat(RetryPolicy.none().maxAttempts()).isOne();
	}

	@Test
	void whenInvalidThenRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> RetryPolicy.of(0, Duration.ZERO));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> RetryPolicy.of(2, Duration.ofSeconds(1), 0.5, Duration.ofSeconds(1)));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> RetryPolicy.of(2, Duration.ofSeconds(2), 2, Duration.ofSeconds(1)));
	}

}
