package dev.realtime.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link MessageId}.
 *
 * @author Realtime team
 */
class MessageIdTests {

	@Test
	void whenIdParsedThenOffsetAndEpochAreRead() {
		assertThat(MessageId.parse("42-k3x9")).isEqualTo(new MessageId(42, "k3x9"));
	}

	@Test
	void whenIdFormattedThenOffsetDashEpoch() {
		assertThat(new MessageId(42, "k3x9")).hasToString("42-k3x9");
	}

	@Test
	void whenIdFormattedAndParsedThenItIsTheSameId() {
		MessageId id = new MessageId(Long.MAX_VALUE, MessageId.newEpoch());
		assertThat(MessageId.parse(id.toString())).isEqualTo(id);
	}

	@Test
	void whenNewEpochDrawnThenItIsLowerCaseLettersAndDigitsAndDiffers() {
		String epoch = MessageId.newEpoch();
		assertThat(epoch).matches("[a-z0-9]{1,13}");
		assertThat(MessageId.newEpoch()).isNotEqualTo(epoch);
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "-", "42", "42-", "-abc", "-1-abc", "0-abc", "x-abc", "4x-abc", "+42-abc", " 42-abc",
			"42-ABC", "42-ab-c", "42-ab c", "42-é", "99999999999999999999-abc",
			"1-abcdefghijklmnopqrstuvwxyz0123456789abcd" })
	void whenIdMalformedThenParseReturnsNull(String id) {
		assertThat(MessageId.parse(id)).isNull();
	}

}
