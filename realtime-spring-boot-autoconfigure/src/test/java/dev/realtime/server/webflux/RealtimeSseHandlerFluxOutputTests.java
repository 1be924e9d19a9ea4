package dev.realtime.server.webflux;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import dev.realtime.engine.EngineMessage;
import dev.realtime.server.RealtimeHub;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link RealtimeSseHandler} on a server that is not Reactor Netty, where
 * {@link FluxSseOutput} writes the stream as the response's {@code Flux}: the endpoints
 * are bound to a mock server and each test reads the exact bytes of the stream.
 *
 * @author Realtime team
 */
class RealtimeSseHandlerFluxOutputTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	private static final Duration HOLD = Duration.ofMillis(300);

	private static final Duration WRITE_TIMEOUT = Duration.ofMillis(200);

	/** What a browser's {@code EventSource} sends besides {@code Accept}. */
	private static final Consumer<HttpHeaders> EVENT_SOURCE = (headers) -> headers.setCacheControl("no-cache");

	private final EndpointsFixture fixture = new EndpointsFixture();

	private final List<SseStream> streams = new ArrayList<>();

	@AfterEach
	void stop() {
		this.streams.forEach(SseStream::cancel);
		this.fixture.close();
	}

	@Test
	void whenSubscribedThenStreamStartsWithRetryAndSubscribedEventThenGoesLive() {
		SseStream stream = open("/realtime/sse?token=" + this.fixture.token("room:1", "notes"));
		stream.awaitFrames(1);
		EngineMessage one = this.fixture.publish("room:1", "notes", "one");
		EngineMessage two = this.fixture.publish("room:1", "notes", "two");
		stream.awaitFrames(3);
		String expected = """
				retry: 1000
				event: subscribed
				data: {"channel":"room:1","topics":["notes"],"recovered":null}

				id: %1$s
				event: message
				data: {"id":"%1$s","channel":"room:1","topic":"notes","data":{"text":"one"},"createdAt":"2026-03-01T10:00:00Z","kind":"data"}

				id: %2$s
				event: message
				data: {"id":"%2$s","channel":"room:1","topic":"notes","data":{"text":"two"},"createdAt":"2026-03-01T10:00:00Z","kind":"data"}

				""";
		assertThat(stream.text()).isEqualTo(expected.formatted(one.id(), two.id()));
		assertThat(stream.frames()).as("one buffer per frame").hasSize(3).allMatch((frame) -> frame.endsWith("\n\n"));
		assertThat(stream.isCompleted()).isFalse();
	}

	@Test
	void whenHistoryIsRetainedThenItIsReplayedOldestFirstBeforeLiveMessages() {
		EngineMessage first = this.fixture.publish("room:1", "notes", "first");
		EngineMessage second = this.fixture.publish("room:1", "notes", "second");
		SseStream stream = open("/realtime/sse?token=" + this.fixture.token("room:1", "notes"));
		stream.awaitFrames(3);
		EngineMessage live = this.fixture.publish("room:1", "notes", "live");
		stream.awaitFrames(4);
		assertThat(stream.text()).isEqualTo("""
				retry: 1000
				event: subscribed
				data: {"channel":"room:1","topics":["notes"],"recovered":null}

				%s%s%s""".formatted(frame(first, "first"), frame(second, "second"), frame(live, "live")));
	}

	@Test
	void whenHistoryIsNoneThenOnlyLiveMessagesAreStreamed() {
		this.fixture.publish("room:1", "notes", "before");
		SseStream stream = open("/realtime/sse?history=none&token=" + this.fixture.token("room:1", "notes"));
		stream.awaitFrames(1);
		EngineMessage live = this.fixture.publish("room:1", "notes", "live");
		stream.awaitFrames(2);
		assertThat(stream.text()).isEqualTo("""
				retry: 1000
				event: subscribed
				data: {"channel":"room:1","topics":["notes"],"recovered":null}

				%s""".formatted(frame(live, "live")));
	}

	@Test
	void whenResumingWithLastEventIdThenRecoveredIsTrueAndOnlyLaterMessagesAreStreamed() {
		EngineMessage seen = this.fixture.publish("room:1", "notes", "seen");
		EngineMessage missed = this.fixture.publish("room:1", "notes", "missed");
		EngineMessage alsoMissed = this.fixture.publish("room:1", "notes", "also missed");
		SseStream stream = open("/realtime/sse?token=" + this.fixture.token("room:1", "notes"), seen.id().toString());
		stream.awaitFrames(3);
		EngineMessage live = this.fixture.publish("room:1", "notes", "live");
		stream.awaitFrames(4);
		assertThat(stream.text()).isEqualTo("""
				retry: 1000
				event: subscribed
				data: {"channel":"room:1","topics":["notes"],"recovered":true}

				%s%s%s""".formatted(frame(missed, "missed"), frame(alsoMissed, "also missed"), frame(live, "live")));
	}

	@Test
	void whenResumingAfterAnIdOfAnotherEpochThenRecoveredIsFalseAndTheHistoryIsReplayed() {
		EngineMessage kept = this.fixture.publish("room:1", "notes", "kept");
		SseStream stream = open(
				"/realtime/sse?lastEventId=1-otherepoch&token=" + this.fixture.token("room:1", "notes"));
		stream.awaitFrames(2);
		assertThat(stream.text()).isEqualTo("""
				retry: 1000
				event: subscribed
				data: {"channel":"room:1","topics":["notes"],"recovered":false}

				%s""".formatted(frame(kept, "kept")));
	}

	@Test
	void whenTopicIsNotGrantedThenItsMessagesAreSkippedButRunMessagesAreStreamed() {
		this.fixture.publish("room:1", "secrets", "old secret");
		EngineMessage kept = this.fixture.publish("room:1", "notes", "kept");
		SseStream stream = open("/realtime/sse?token=" + this.fixture.token("room:1", "notes"));
		stream.awaitFrames(2);
		this.fixture.publish("room:1", "secrets", "new secret");
		EngineMessage run = this.fixture.publishRun("room:1", "run-1", "running");
		EngineMessage live = this.fixture.publish("room:1", "notes", "live");
		stream.awaitFrames(4);
		String expected = """
				retry: 1000
				event: subscribed
				data: {"channel":"room:1","topics":["notes"],"recovered":null}

				%s\
				id: %s
				event: message
				data: {"id":"%2$s","channel":"room:1","topic":"$run","data":{"status":"running"},"createdAt":"2026-03-01T10:00:00Z","runId":"run-1","kind":"run"}

				%s""";
		assertThat(stream.text()).isEqualTo(expected.formatted(frame(kept, "kept"), run.id(), frame(live, "live")));
	}

	@Test
	void whenIdleThenKeepAliveCommentsAreWrittenOnlyWhileNothingElseIs() {
		SseStream stream = open("/realtime/sse?token=" + this.fixture.token("room:1", "notes"));
		stream.awaitFrames(1);
		// the subscribed event was the last frame of this period
		advanceAndExpectNoFrame(stream, Duration.ofMillis(200));
		advance(stream, Duration.ofMillis(200), 2);
		advance(stream, Duration.ofMillis(200), 3);
		EngineMessage message = this.fixture.publish("room:1", "notes", "busy");
		stream.awaitFrames(4);
		advanceAndExpectNoFrame(stream, Duration.ofMillis(200));
		advance(stream, Duration.ofMillis(200), 5);
		assertThat(stream.text()).isEqualTo("""
				retry: 1000
				event: subscribed
				data: {"channel":"room:1","topics":["notes"],"recovered":null}

				:

				:

				%s:

				""".formatted(frame(message, "busy")));
	}

	@Test
	void whenTokenExpiresThenStreamEndsWithExpiredEvent() {
		String token = this.fixture.token("room:1", Set.of("notes"), Set.of(), Duration.ofSeconds(2));
		SseStream stream = open("/realtime/sse?token=" + token);
		stream.awaitFrames(1);
		EngineMessage message = this.fixture.publish("room:1", "notes", "before expiry");
		stream.awaitFrames(2);
		advanceAndExpectNoFrame(stream, Duration.ofMillis(1999));
		assertThat(stream.isCompleted()).isFalse();
		this.fixture.clock.advance(Duration.ofMillis(1));
		stream.awaitCompletion();
		assertThat(stream.text()).isEqualTo("""
				retry: 1000
				event: subscribed
				data: {"channel":"room:1","topics":["notes"],"recovered":null}

				%sevent: expired
				data: {"channel":"room:1"}

				""".formatted(frame(message, "before expiry")));
	}

	@Test
	void whenApplicationStopsThenStreamEndsWithRetryHint() {
		SseStream stream = open("/realtime/sse?token=" + this.fixture.token("room:1", "notes"));
		stream.awaitFrames(1);
		this.fixture.shutdown.stop();
		stream.awaitCompletion();
		assertThat(stream.text()).isEqualTo("""
				retry: 1000
				event: subscribed
				data: {"channel":"room:1","topics":["notes"],"recovered":null}

				retry: 1000

				""");
	}

	@Test
	void whenApplicationIsStoppingThenNewStreamEndsAtOnceWithRetryHint() {
		this.fixture.shutdown.stop();
		SseStream stream = open("/realtime/sse?token=" + this.fixture.token("room:1", "notes"));
		stream.awaitCompletion();
		assertThat(stream.text()).isEqualTo("""
				retry: 1000

				""");
		assertThat(this.fixture.engine.channelCount()).isZero();
	}

	@Test
	void whenClientReadsSlowlyThenWaitingMessagesAreWrittenInOrderAsItAsksForMore() {
		SseStream stream = open(this.fixture.endpoints(4, Duration.ofSeconds(5)),
				"/realtime/sse?token=" + this.fixture.token("room:1", "typing"), 1);
		stream.awaitFrames(1);
		List<String> expected = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			expected.add(frame(this.fixture.publish("room:1", "typing", "typing " + i), "typing " + i, "typing"));
		}
		expectFrames(stream, 1);
		stream.request(2);
		expectFrames(stream, 3);
		stream.request(Long.MAX_VALUE);
		stream.awaitFrames(5);
		assertThat(stream.frames().subList(1, 5)).isEqualTo(expected);
		assertThat(stream.isCompleted()).isFalse();
	}

	@Test
	void whenClientDoesNotReadThenStreamEndsWithSlowConsumerError() {
		SseStream stream = open(this.fixture.endpoints(4, Duration.ofSeconds(5)),
				"/realtime/sse?token=" + this.fixture.token("room:1", "typing"), 1);
		stream.awaitFrames(1);
		// more than the response may be behind (a few frames) plus the subscriber buffer
		for (int i = 0; i < 60; i++) {
			this.fixture.publish("room:1", "typing", "typing " + i);
		}
		// the stream left the channel, whose state the engine then drops
		awaitAtMost().until(() -> this.fixture.engine.channelCount() == 0);
		stream.request(Long.MAX_VALUE);
		stream.awaitCompletion();
		List<String> frames = stream.frames();
		assertThat(frames.get(0)).isEqualTo("""
				retry: 1000
				event: subscribed
				data: {"channel":"room:1","topics":["typing"],"recovered":null}

				""");
		assertThat(frames.subList(1, frames.size() - 1)).hasSizeLessThan(60)
			.allMatch((frame) -> frame.startsWith("id: "));
		assertThat(frames.get(frames.size() - 1)).isEqualTo("""
				event: error
				data: {"code":"slow_consumer","message":"Subscriber of 'room:1' fell more than 4 messages behind"}

				""");
	}

	@Test
	void whenClientStopsReadingThenStreamEndsWithinTheWriteTimeoutWithoutItsLastFrames() {
		SseStream stream = open(this.fixture.endpoints(4, WRITE_TIMEOUT),
				"/realtime/sse?token=" + this.fixture.token("room:1", "typing"), 1);
		stream.awaitFrames(1);
		for (int i = 0; i < 60; i++) {
			this.fixture.publish("room:1", "typing", "typing " + i);
		}
		// told it is too slow, which it does not read either
		stream.awaitCompletion();
		assertThat(stream.frames()).hasSize(1);
	}

	@Test
	void whenClientDoesNotReadForLongerThanTheWriteTimeoutWhileMessagesWaitThenStreamEnds() throws Exception {
		SseStream stream = open(this.fixture.endpoints(1024, WRITE_TIMEOUT),
				"/realtime/sse?token=" + this.fixture.token("room:1", "typing"), 1);
		stream.awaitFrames(1);
		// more than the response may be behind, far fewer than the subscriber buffer
		for (int i = 0; i < 40; i++) {
			this.fixture.publish("room:1", "typing", "typing " + i);
		}
		Thread.sleep(WRITE_TIMEOUT.multipliedBy(2).toMillis());
		this.fixture.publish("room:1", "typing", "one more");
		stream.awaitCompletion();
		assertThat(stream.frames()).hasSize(1);
	}

	@Test
	void whenTokenExpiresWhileClientDoesNotReadThenStreamEndsWithinTheWriteTimeout() {
		String token = this.fixture.token("room:1", Set.of("typing"), Set.of(), Duration.ofSeconds(2));
		SseStream stream = open(this.fixture.endpoints(1024, WRITE_TIMEOUT), "/realtime/sse?token=" + token, 1);
		stream.awaitFrames(1);
		for (int i = 0; i < 40; i++) {
			this.fixture.publish("room:1", "typing", "typing " + i);
		}
		this.fixture.clock.advance(Duration.ofSeconds(2));
		stream.awaitCompletion();
		assertThat(stream.frames()).hasSize(1);
	}

	@Test
	void whenClientGoesAwayThenStreamLeavesTheChannel() {
		SseStream stream = open("/realtime/sse?token=" + this.fixture.token("room:1", "typing"));
		stream.awaitFrames(1);
		assertThat(this.fixture.engine.channelCount()).isOne();
		stream.cancel();
		awaitAtMost().until(() -> this.fixture.engine.channelCount() == 0);
	}

	@Test
	void whenTokenIsInvalidThenProblemIsReturnedBeforeAnyStream() {
		client(this.fixture.endpoints()).get()
			.uri("/realtime/sse?token=not-a-token")
			.accept(MediaType.TEXT_EVENT_STREAM)
			.exchange()
			.expectStatus()
			.isUnauthorized()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON);
	}

	private void advance(SseStream stream, Duration duration, int frames) {
		this.fixture.clock.advance(duration);
		stream.awaitFrames(frames);
	}

	private void advanceAndExpectNoFrame(SseStream stream, Duration duration) {
		int frames = stream.frames().size();
		this.fixture.clock.advance(duration);
		expectFrames(stream, frames);
	}

	// long enough for the periodic check (every 100ms) to run a few times
	private static void expectFrames(SseStream stream, int frames) {
		awaitAtMost().during(HOLD).untilAsserted(() -> assertThat(stream.frames()).hasSize(frames));
	}

	private static ConditionFactory awaitAtMost() {
		return await().atMost(TIMEOUT).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10));
	}

	private SseStream open(String uri) {
		return open(this.fixture.endpoints(), uri, EVENT_SOURCE, Long.MAX_VALUE);
	}

	private SseStream open(String uri, String lastEventId) {
		return open(this.fixture.endpoints(), uri,
				EVENT_SOURCE.andThen((headers) -> headers.set("Last-Event-ID", lastEventId)), Long.MAX_VALUE);
	}

	private SseStream open(RealtimeHub.Builder endpoints, String uri, long demand) {
		return open(endpoints, uri, EVENT_SOURCE, demand);
	}

	private SseStream open(RealtimeHub.Builder endpoints, String uri, Consumer<HttpHeaders> headers, long demand) {
		Flux<byte[]> body = client(endpoints).get()
			.uri(uri)
			.accept(MediaType.TEXT_EVENT_STREAM)
			.headers(headers)
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.contentType(MediaType.TEXT_EVENT_STREAM)
			.returnResult(byte[].class)
			.getResponseBody();
		SseStream stream = new SseStream(body, demand);
		this.streams.add(stream);
		return stream;
	}

	private static WebTestClient client(RealtimeHub.Builder endpoints) {
		RouterFunction<ServerResponse> routes = new RealtimeServerEndpoints(
				endpoints.sseKeepAlive(Duration.ofMillis(200)).build())
			.routerFunction("/realtime", true, true, true, true);
		return WebTestClient.bindToRouterFunction(routes).build();
	}

	private static String frame(EngineMessage message, String text) {
		return frame(message, text, "notes");
	}

	private static String frame(EngineMessage message, String text, String topic) {
		return """
				id: %1$s
				event: message
				data: {"id":"%1$s","channel":"room:1","topic":"%3$s","data":{"text":"%2$s"},"createdAt":"2026-03-01T10:00:00Z","kind":"data"}

				"""
			.formatted(message.id(), text, topic);
	}

	/**
	 * The frames of a stream, as the client received them.
	 */
	private static final class SseStream extends BaseSubscriber<byte[]> {

		private final List<String> frames = new CopyOnWriteArrayList<>();

		private final long demand;

		private volatile boolean completed;

		SseStream(Flux<byte[]> body, long demand) {
			this.demand = demand;
			body.subscribe(this);
		}

		@Override
		protected void hookOnSubscribe(Subscription subscription) {
			request(this.demand);
		}

		@Override
		protected void hookOnNext(byte[] frame) {
			this.frames.add(new String(frame, StandardCharsets.UTF_8));
		}

		@Override
		protected void hookOnComplete() {
			this.completed = true;
		}

		boolean isCompleted() {
			return this.completed;
		}

		List<String> frames() {
			return List.copyOf(this.frames);
		}

		String text() {
			return String.join("", this.frames);
		}

		void awaitFrames(int count) {
			awaitAtMost().untilAsserted(() -> assertThat(this.frames).hasSizeGreaterThanOrEqualTo(count));
		}

		void awaitCompletion() {
			awaitAtMost().until(() -> this.completed);
		}

	}

}
