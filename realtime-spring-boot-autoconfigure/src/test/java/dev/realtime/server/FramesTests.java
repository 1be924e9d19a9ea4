package dev.realtime.server;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the control frames and events of the wire contract written by {@link Frames}.
 */
class FramesTests {

	/**
	 * Quotes, a backslash, a slash, control characters, non-ASCII and a surrogate pair.
	 */
	private static final String AWKWARD = "a\"b\\c/d\ne\rf\tg\u0001h\u007fi é € \u2028 😀";

	private static final Frames frames = new Frames(JsonMapper.builder().build());

	@Test
	void whenWrittenThenWebSocketFramesHaveTheWireContractsFieldsInOrder() {
		assertThat(json(new Frames.SubscribedFrame("pipeline:1", Set.of("tokens", "status"), null)))
			.isEqualTo("{\"type\":\"subscribed\",\"channel\":\"pipeline:1\",\"topics\":[\"status\",\"tokens\"],"
					+ "\"recovered\":null}");
		assertThat(json(new Frames.SubscribedFrame("pipeline:1", Set.of(), false)))
			.isEqualTo("{\"type\":\"subscribed\",\"channel\":\"pipeline:1\",\"topics\":[],\"recovered\":false}");
		assertThat(json(new Frames.PublishedFrame("7-k3f9", null)))
			.isEqualTo("{\"type\":\"published\",\"id\":\"7-k3f9\"}");
		assertThat(json(new Frames.PublishedFrame("7-k3f9", "r1")))
			.isEqualTo("{\"type\":\"published\",\"id\":\"7-k3f9\",\"ref\":\"r1\"}");
		assertThat(json(new Frames.CancelledFrame("run-1", "requested", null)))
			.isEqualTo("{\"type\":\"cancelled\",\"runId\":\"run-1\",\"outcome\":\"requested\"}");
		assertThat(json(new Frames.CancelledFrame("run-1", "cancelled", "c1")))
			.isEqualTo("{\"type\":\"cancelled\",\"runId\":\"run-1\",\"outcome\":\"cancelled\",\"ref\":\"c1\"}");
		assertThat(json(new Frames.ErrorFrame("forbidden", "Not granted", null)))
			.isEqualTo("{\"type\":\"error\",\"code\":\"forbidden\",\"message\":\"Not granted\"}");
		assertThat(json(new Frames.ErrorFrame("internal", null, "r2")))
			.isEqualTo("{\"type\":\"error\",\"code\":\"internal\",\"message\":\"internal\",\"ref\":\"r2\"}");
		assertThat(json(new Frames.ErrorFrame("invalid_payload", "Invalid", "r3", List.of(Map.of("field", "message")))))
			.isEqualTo("{\"type\":\"error\",\"code\":\"invalid_payload\",\"message\":\"Invalid\",\"ref\":\"r3\","
					+ "\"errors\":[{\"field\":\"message\"}]}");
		assertThat(new String(frames.pong(), StandardCharsets.UTF_8)).isEqualTo("{\"type\":\"pong\"}");
	}

	@Test
	void whenWrittenThenSseControlEventsAreTheWireContractsLines() {
		assertThat(event("retry: 1000\nevent: subscribed",
				new Frames.SubscribedEvent("pipeline:1", Set.of("tokens", "status"), null)))
			.isEqualTo("retry: 1000\nevent: subscribed\n"
					+ "data: {\"channel\":\"pipeline:1\",\"topics\":[\"status\",\"tokens\"],\"recovered\":null}\n\n");
		assertThat(event("event: expired", new Frames.ExpiredEvent("pipeline:1")))
			.isEqualTo("event: expired\ndata: {\"channel\":\"pipeline:1\"}\n\n");
		assertThat(event("event: error", new Frames.ErrorEvent("slow_consumer", "Too slow")))
			.isEqualTo("event: error\ndata: {\"code\":\"slow_consumer\",\"message\":\"Too slow\"}\n\n");
	}

	@Test
	void whenValuesNeedEscapingThenTheyReadBackExactlyAndTheEventStaysOneDataLine() {
		JsonMapper reader = JsonMapper.builder().build();
		JsonNode error = reader.readTree(json(new Frames.ErrorFrame("bad_request", AWKWARD, AWKWARD)));
		assertThat(error.path("message").asString()).isEqualTo(AWKWARD);
		assertThat(error.path("ref").asString()).isEqualTo(AWKWARD);
		String event = event("event: error", new Frames.ErrorEvent("internal", AWKWARD));
		assertThat(event.substring(0, event.length() - 2)).doesNotContain("\n\n").doesNotContain("\r");
		assertThat(event.split("\n")).hasSize(2);
		String data = event.substring("event: error\ndata: ".length(), event.length() - 2);
		assertThat(reader.readTree(data).path("message").asString()).isEqualTo(AWKWARD);
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("applicationMappers")
	void whenApplicationMapperIsCustomizedThenFramesStayTheWireContract(String customization, JsonMapper mapper) {
		Frames customized = new Frames(mapper);
		Stream
			.of(new Frames.SubscribedFrame("pipeline:1", Set.of("tokens", "status"), null),
					new Frames.SubscribedFrame("pipeline:1", Set.of(), null), new Frames.PublishedFrame("7-k3f9", null),
					new Frames.CancelledFrame("run-1", "cancelled", "c1"), new Frames.ErrorFrame("forbidden", "", null),
					new Frames.ErrorFrame("invalid_payload", AWKWARD, AWKWARD, List.of(Map.of("field", "message"))),
					new Frames.SubscribedEvent("pipeline:1", Set.of(), null), new Frames.ExpiredEvent("pipeline:1"),
					new Frames.ErrorEvent("slow_consumer", "Too slow"))
			.forEach((frame) -> assertThat(new String(customized.json(frame), StandardCharsets.UTF_8)).as(customization)
				.isEqualTo(json(frame)));
		assertThat(customized.pong()).isEqualTo(frames.pong());
	}

	static Stream<Arguments> applicationMappers() {
		return Stream.of(
				Arguments.of("snake case",
						JsonMapper.builder().propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE).build()),
				Arguments.of("upper camel case",
						JsonMapper.builder().propertyNamingStrategy(PropertyNamingStrategies.UPPER_CAMEL_CASE).build()),
				Arguments.of("indented", JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build()),
				Arguments.of("sorted",
						JsonMapper.builder().enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY).build()),
				Arguments.of("non-empty only",
						JsonMapper.builder()
							.changeDefaultPropertyInclusion((inclusion) -> JsonInclude.Value
								.construct(JsonInclude.Include.NON_EMPTY, JsonInclude.Include.NON_EMPTY))
							.build()));
	}

	private static String json(Object frame) {
		return new String(frames.json(frame), StandardCharsets.UTF_8);
	}

	private static String event(String fields, Object data) {
		return new String(frames.event(fields, data), StandardCharsets.UTF_8);
	}

}
