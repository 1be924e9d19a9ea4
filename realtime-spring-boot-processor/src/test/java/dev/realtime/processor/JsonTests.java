package dev.realtime.processor;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link Json}.
 *
 * @author Realtime team
 */
class JsonTests {

	@Test
	void whenValueIsWrittenThenItIsReadBackEqual() {
		Map<String, Object> value = new LinkedHashMap<>();
		value.put("text", "a \"quoted\" \\ line\nand\ttab \u0001 é");
		value.put("number", 42L);
		value.put("decimal", 1.5);
		value.put("flags", List.of(true, false));
		value.put("nothing", null);
		value.put("empty", Map.of());
		value.put("list", Arrays.asList(null, List.of(), "x"));
		assertThat(Json.read(Json.write(value))).isEqualTo(value);
	}

	@Test
	void whenTextIsNotJsonThenReadFails() {
		assertThatIllegalArgumentException().isThrownBy(() -> Json.read("{\"a\": }"))
			.withMessage("Expected a value at offset 6");
		assertThatIllegalArgumentException().isThrownBy(() -> Json.read("[1] x"))
			.withMessage("Expected end of input at offset 4");
	}

	@Test
	void whenMemberIsMissingOrNullThenGettingItFails() {
		Object object = Json.read("{\"name\": \"a\", \"nothing\": null}");
		assertThat(Json.<String>member(object, "name")).isEqualTo("a");
		assertThatIllegalArgumentException().isThrownBy(() -> Json.member(object, "nothing"))
			.withMessage("Expected an object with member 'nothing'");
		assertThatIllegalArgumentException().isThrownBy(() -> Json.member(object, "other"))
			.withMessage("Expected an object with member 'other'");
		assertThatIllegalArgumentException().isThrownBy(() -> Json.member(List.of(), "name"))
			.withMessage("Expected an object with member 'name'");
	}

}
