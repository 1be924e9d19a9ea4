package dev.realtime.server;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RealtimeCloseStatus}.
 */
class RealtimeCloseStatusTests {

	@Test
	void whenReasonFitsThenItIsKeptAsItIs() {
		assertThat(RealtimeCloseStatus.INVALID_TOKEN.withReason("Token expired at noon").reason())
			.isEqualTo("Token expired at noon");
	}

	@Test
	void whenReasonIsLongerThanAFrameAllowsThenItIsCutTo123BytesOfWholeCharacters() {
		String reason = "é".repeat(100);
		String fitted = RealtimeCloseStatus.FORBIDDEN.withReason(reason).reason();
		assertThat(fitted.getBytes(StandardCharsets.UTF_8)).hasSize(122);
		assertThat(reason).startsWith(fitted);
	}

	@Test
	void whenCutWouldSplitASurrogatePairThenThePairIsLeftOutWhole() {
		String reason = "a" + "😀".repeat(40);
		String fitted = RealtimeCloseStatus.FORBIDDEN.withReason(reason).reason();
		assertThat(fitted.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(123);
		assertThat(fitted).isEqualTo("a" + "😀".repeat(30));
	}

}
