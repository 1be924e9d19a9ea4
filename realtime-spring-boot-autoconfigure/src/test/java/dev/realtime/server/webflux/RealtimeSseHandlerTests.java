package dev.realtime.server.webflux;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import dev.realtime.MessageKind;
import dev.realtime.engine.EngineMessage;
import dev.realtime.engine.MessageId;
import dev.realtime.server.MessageFrames;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the SSE frames of {@link RealtimeSseHandler}.
 */
class RealtimeSseHandlerTests {

	private static final Instant CREATED = Instant.parse("2026-11-28T10:15:30Z");

	@Test
	void whenEnvelopeIsOneLineThenFrameIsIdEventAndOneDataField() {
		String frame = frame("{\"message\":\"hi\"}");
		assertThat(frame).isEqualTo("id: 7-epoch\nevent: message\ndata: {\"id\":\"7-epoch\",\"channel\":\"pipeline:1\","
				+ "\"topic\":\"status\",\"data\":{\"message\":\"hi\"},\"createdAt\":\"2026-11-28T10:15:30Z\","
				+ "\"kind\":\"data\"}\n\n");
	}

	@Test
	void whenPayloadIsPrettyPrintedThenEachLineGetsItsOwnDataField() {
		String frame = frame("{\r\n  \"message\" : \"hi\"\n}");
		assertThat(frame).startsWith("id: 7-epoch\nevent: message\ndata: {\"id\":\"7-epoch\"")
			.contains("\"data\":{\ndata:   \"message\" : \"hi\"\ndata: },\"createdAt\"")
			.doesNotContain("\r")
			.endsWith("\"kind\":\"data\"}\n\n");
	}

	private static String frame(String data) {
		EngineMessage message = new EngineMessage(new MessageId(7, "epoch"), "pipeline:1", "status",
				data.getBytes(StandardCharsets.UTF_8), CREATED, null, MessageKind.DATA);
		return new String(MessageFrames.SSE.apply(message), StandardCharsets.UTF_8);
	}

}
