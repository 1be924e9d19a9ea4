package dev.realtime.processor;

import dev.realtime.ChannelTemplate;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests that {@link TemplateRules} agrees with {@link ChannelTemplate}.
 *
 * @author Realtime team
 */
class TemplateRulesTests {

	@ParameterizedTest
	@ValueSource(strings = { "", "pipeline", "pipeline:{runId}", "a:{b}:c:{d}", "{runId}", "{runId}:x", "Pipeline:{id}",
			"pipeline:{run-id}", "pipeline:{id}:{id}", "pipeline::x", "pipeline:", ":x", "pipe line", "x.y_z-1:{a_1}",
			"pipeline:{1d}", "pipeline:{id", "pipeline:id}", "-x", "a:{b}{c}" })
	void whenTemplateIsCheckedThenProblemIsTheSameAsAtRuntime(String template) {
		assertThat(TemplateRules.problem(template)).isEqualTo(ChannelTemplate.problem(template));
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', value = { "a:{x}|a:{y}", "a:{x}|b:{y}", "a:{x}:c|a:b:{y}", "a:{x}:c|a:{y}:d", "a|a",
			"a|a:{x}", "a:b|a:{x}", "a:b:c|a:b:c", "a:{x}:{y}|a:{y}:{x}" })
	void whenTemplatesAreComparedThenOverlapIsTheSameAsAtRuntime(String first, String second) {
		assertThat(TemplateRules.overlaps(first, second))
			.isEqualTo(ChannelTemplate.parse(first).overlaps(ChannelTemplate.parse(second)));
		assertThat(TemplateRules.placeholders(first)).isEqualTo(ChannelTemplate.parse(first).placeholders());
	}

}
