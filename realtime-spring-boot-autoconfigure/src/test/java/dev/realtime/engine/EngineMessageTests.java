package dev.realtime.engine;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import dev.realtime.MessageKind;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link EngineMessage}.
 *
 * @author Realtime team
 */
class EngineMessageTests {

	private static final Instant CREATED_AT = Instant.parse("2026-03-01T10:00:00.125Z");

	@Test
	void whenDataMessageThenEnvelopeFollowsTheWireContractWithoutRunId() {
		EngineMessage message = new EngineMessage(new MessageId(7, "k3x9"), "pipeline:run-1", "status",
				bytes("{\"message\":\"Drafting\",\"step\":null}"), CREATED_AT, null, MessageKind.DATA);
		assertThat(envelope(message))
			.isEqualTo("{\"id\":\"7-k3x9\",\"channel\":\"pipeline:run-1\",\"topic\":\"status\","
					+ "\"data\":{\"message\":\"Drafting\",\"step\":null},\"createdAt\":\"2026-03-01T10:00:00.125Z\","
					+ "\"kind\":\"data\"}");
	}

	@Test
	void whenRunMessageThenEnvelopeCarriesRunIdAndRunKind() {
		EngineMessage message = new EngineMessage(new MessageId(8, "k3x9"), "pipeline:run-1", "$run",
				bytes("{\"status\":\"completed\",\"result\":42}"), CREATED_AT, "run-1", MessageKind.RUN);
		assertThat(envelope(message)).isEqualTo("{\"id\":\"8-k3x9\",\"channel\":\"pipeline:run-1\",\"topic\":\"$run\","
				+ "\"data\":{\"status\":\"completed\",\"result\":42},\"createdAt\":\"2026-03-01T10:00:00.125Z\","
				+ "\"runId\":\"run-1\",\"kind\":\"run\"}");
	}

	@Test
	void whenDataIsAScalarThenItIsEmbeddedAsIs() {
		EngineMessage message = new EngineMessage(new MessageId(1, "e"), "c:1", "t", bytes("\"hi\""), CREATED_AT, null,
				MessageKind.DATA);
		assertThat(envelope(message)).contains("\"data\":\"hi\",");
	}

	@Test
	void whenStringsNeedEscapingThenEnvelopeIsValidJsonWithTheSameValues() {
		String runId = "q\"uote\\back\nline\ttab\u0001ctl\u001f é 😀 </script>";
		EngineMessage message = new EngineMessage(new MessageId(9, "k3x9"), "c:\"x\"", "t\\1", bytes("{}"), CREATED_AT,
				runId, MessageKind.DATA);
		assertThat(envelope(message))
			.contains("\"runId\":\"q\\\"uote\\\\back\\u000aline\\u0009tab\\u0001ctl\\u001f é 😀 </script>\"");
		JsonNode json = JsonMapper.builder().build().readTree(message.envelope());
		assertThat(json.get("channel").asString()).isEqualTo("c:\"x\"");
		assertThat(json.get("topic").asString()).isEqualTo("t\\1");
		assertThat(json.get("runId").asString()).isEqualTo(runId);
		assertThat(json.get("createdAt").asString()).isEqualTo("2026-03-01T10:00:00.125Z");
	}

	@Test
	void whenToStringThenEnvelopeText() {
		EngineMessage message = new EngineMessage(new MessageId(1, "e"), "c:1", "t", bytes("1"), CREATED_AT, null,
				MessageKind.DATA);
		assertThat(message).hasToString(envelope(message));
	}

	@Test
	void whenOfPublishRequestThenFieldsAreCopied() {
		PublishRequest request = new PublishRequest("c:1", "t", bytes("1"), "run-1", MessageKind.RUN, true);
		EngineMessage message = EngineMessage.of(new MessageId(3, "e"), CREATED_AT, request);
		assertThat(message.id()).isEqualTo(new MessageId(3, "e"));
		assertThat(message.channel()).isEqualTo("c:1");
		assertThat(message.topic()).isEqualTo("t");
		assertThat(message.data()).isSameAs(request.data());
		assertThat(message.createdAt()).isEqualTo(CREATED_AT);
		assertThat(message.runId()).isEqualTo("run-1");
		assertThat(message.kind()).isEqualTo(MessageKind.RUN);
	}

	@Test
	void whenFrameRequestedTwiceThenItIsEncodedOnceAndShared() {
		EngineMessage message = message();
		AtomicInteger calls = new AtomicInteger();
		Function<EngineMessage, String> encoder = (m) -> "frame " + calls.incrementAndGet();
		String first = message.frame(encoder);
		assertThat(message.frame(encoder)).isSameAs(first);
		assertThat(calls).hasValue(1);
	}

	@Test
	void whenFramesOfTwoEncodersRequestedThenEachIsCachedSeparately() {
		EngineMessage message = message();
		Function<EngineMessage, String> sse = (m) -> new String("sse");
		Function<EngineMessage, String> ws = (m) -> new String("ws");
		String sseFrame = message.frame(sse);
		String wsFrame = message.frame(ws);
		assertThat(sseFrame).isEqualTo("sse");
		assertThat(wsFrame).isEqualTo("ws");
		assertThat(message.frame(sse)).isSameAs(sseFrame);
		assertThat(message.frame(ws)).isSameAs(wsFrame);
	}

	@Test
	void whenTwoThreadsRequestTheFirstFrameAtOnceThenBothGetTheSameInstance() throws Exception {
		EngineMessage message = message();
		CountDownLatch bothEncoding = new CountDownLatch(2);
		Function<EngineMessage, Object> encoder = (m) -> {
			bothEncoding.countDown();
			await(bothEncoding);
			return new Object();
		};
		ExecutorService executor = Executors.newFixedThreadPool(2);
		try {
			Future<Object> first = executor.submit(() -> message.frame(encoder));
			Future<Object> second = executor.submit(() -> message.frame(encoder));
			Object frame = first.get(5, TimeUnit.SECONDS);
			assertThat(second.get(5, TimeUnit.SECONDS)).isSameAs(frame);
			assertThat(message.frame(encoder)).isSameAs(frame);
		}
		finally {
			executor.shutdownNow();
		}
	}

	private static void await(CountDownLatch latch) {
		try {
			assertThat(latch.await(5, TimeUnit.SECONDS)).isTrue();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private static EngineMessage message() {
		return new EngineMessage(new MessageId(1, "e"), "c:1", "t", bytes("1"), CREATED_AT, null, MessageKind.DATA);
	}

	private static String envelope(EngineMessage message) {
		return new String(message.envelope(), StandardCharsets.UTF_8);
	}

	private static byte[] bytes(String json) {
		return json.getBytes(StandardCharsets.UTF_8);
	}

}
