package dev.realtime.processor;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link SpelVariables}.
 *
 * @author Realtime team
 */
class SpelVariablesTests {

	@Test
	void whenExpressionRefersToVariablesThenTheyAreFoundInOrder() {
		assertThat(SpelVariables.of("@runs.isOwner(authentication, #runId) and #topics.contains('x') or #runId"))
			.containsExactly("runId", "topics");
	}

	@Test
	void whenHashIsInsideStringLiteralThenItIsIgnored() {
		assertThat(SpelVariables.of("'it''s #a' == \"#b\"\"#c\" and #d")).containsExactly("d");
	}

	@Test
	void whenHashIsNotFollowedByAnIdentifierThenItIsIgnored() {
		assertThat(SpelVariables.of("# 1 #")).isEmpty();
	}

}
