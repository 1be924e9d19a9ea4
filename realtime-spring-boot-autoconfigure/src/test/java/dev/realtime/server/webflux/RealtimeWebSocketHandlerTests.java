package dev.realtime.server.webflux;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import dev.realtime.engine.EngineMessage;
import dev.realtime.server.RealtimeHub;
import org.awaitility.core.ConditionFactory;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;
import tools.jackson.databind.JsonNode;

import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.HandshakeInfo;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.adapter.AbstractWebSocketSession;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for the protocol of {@link RealtimeWebSocketHandler} on a server that is not
 * Reactor Netty, where {@link FluxWebSocketOutput} writes the frames through the
 * session's {@code send}: a fake session takes the client's frames, records the frames
 * sent with the demand the test gives, and the close status.
 *
 * @author Realtime team
 */
class RealtimeWebSocketHandlerTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	private static final Duration KEEP_ALIVE = Duration.ofMillis(200);

	private static final Duration HOLD = Duration.ofMillis(300);

	/** Demand of a session that asks for each frame once it wrote the one before. */
	private static final long ONE_AT_A_TIME = 0;

	private final EndpointsFixture fixture = new EndpointsFixture();

	private final List<TestWebSocketSession> sessions = new ArrayList<>();

	private RealtimeHub hub = this.fixture.endpoints().build();

	@AfterEach
	void stop() {
		this.sessions.forEach(TestWebSocketSession::clientCloses);
		this.fixture.close();
	}

	@Test
	void whenSubscribedThenSubscribedFrameComesFirstThenLiveMessages() {
		TestWebSocketSession session = connect();
		session.send(subscribe(this.fixture.token("room:1", "notes")));
		session.awaitFrames(1);
		EngineMessage one = this.fixture.publish("room:1", "notes", "one");
		EngineMessage two = this.fixture.publish("room:1", "notes", "two");
		session.awaitFrames(3);
		assertThat(session.transcript()).isEqualTo(
				"""
						{"type":"subscribed","channel":"room:1","topics":["notes"],"recovered":null}
						{"type":"message","message":{"id":"%s","channel":"room:1","topic":"notes","data":{"text":"one"},"createdAt":"2026-03-01T10:00:00Z","kind":"data"}}
						{"type":"message","message":{"id":"%s","channel":"room:1","topic":"notes","data":{"text":"two"},"createdAt":"2026-03-01T10:00:00Z","kind":"data"}}
						"""
					.formatted(one.id(), two.id()));
		assertThat(session.isOpen()).isTrue();
	}

	@Test
	void whenTwoChannelsAreSubscribedOnOneSocketThenEachSendsItsOwnMessages() {
		TestWebSocketSession session = connect();
		session.send(subscribe(this.fixture.token("room:1", "notes")));
		session.awaitFrames(1);
		session.send(subscribe(this.fixture.token("room:2", "notes", "secrets")));
		session.awaitFrames(2);
		EngineMessage second = this.fixture.publish("room:2", "secrets", "for two");
		session.awaitFrames(3);
		EngineMessage first = this.fixture.publish("room:1", "notes", "for one");
		session.awaitFrames(4);
		this.fixture.publish("room:1", "secrets", "not granted on one");
		ping(session, 5);
		assertThat(session.transcript()).isEqualTo("""
				{"type":"subscribed","channel":"room:1","topics":["notes"],"recovered":null}
				{"type":"subscribed","channel":"room:2","topics":["notes","secrets"],"recovered":null}
				%s
				%s
				{"type":"pong"}
				""".formatted(message(second, "room:2", "secrets", "for two"), message(first, "for one")));
	}

	@Test
	void whenHistoryIsRetainedThenItIsReplayedBeforeLiveMessages() {
		EngineMessage first = this.fixture.publish("room:1", "notes", "first");
		EngineMessage second = this.fixture.publish("room:1", "notes", "second");
		TestWebSocketSession session = connect();
		session.send(subscribe(this.fixture.token("room:1", "notes")));
		session.awaitFrames(3);
		EngineMessage live = this.fixture.publish("room:1", "notes", "live");
		session.awaitFrames(4);
		assertThat(session.transcript()).isEqualTo("""
				{"type":"subscribed","channel":"room:1","topics":["notes"],"recovered":null}
				%s
				%s
				%s
				""".formatted(message(first, "first"), message(second, "second"), message(live, "live")));
	}

	@Test
	void whenHistoryIsNoneThenOnlyLiveMessagesAreSent() {
		this.fixture.publish("room:1", "notes", "before");
		TestWebSocketSession session = connect();
		session.send("{\"type\":\"subscribe\",\"token\":\"" + this.fixture.token("room:1", "notes")
				+ "\",\"history\":\"none\"}");
		session.awaitFrames(1);
		EngineMessage live = this.fixture.publish("room:1", "notes", "live");
		session.awaitFrames(2);
		assertThat(session.transcript()).isEqualTo("""
				{"type":"subscribed","channel":"room:1","topics":["notes"],"recovered":null}
				%s
				""".formatted(message(live, "live")));
	}

	@Test
	void whenResumingWithLastEventIdThenRecoveredIsTrueAndOnlyLaterMessagesAreSent() {
		EngineMessage seen = this.fixture.publish("room:1", "notes", "seen");
		EngineMessage missed = this.fixture.publish("room:1", "notes", "missed");
		TestWebSocketSession session = connect();
		session.send("{\"type\":\"subscribe\",\"token\":\"" + this.fixture.token("room:1", "notes")
				+ "\",\"lastEventId\":\"" + seen.id() + "\"}");
		session.awaitFrames(2);
		EngineMessage live = this.fixture.publish("room:1", "notes", "live");
		session.awaitFrames(3);
		assertThat(session.transcript()).isEqualTo("""
				{"type":"subscribed","channel":"room:1","topics":["notes"],"recovered":true}
				%s
				%s
				""".formatted(message(missed, "missed"), message(live, "live")));
	}

	@Test
	void whenResumingAfterAnIdOfAnotherEpochThenRecoveredIsFalseAndTheHistoryIsReplayed() {
		EngineMessage kept = this.fixture.publish("room:1", "notes", "kept");
		TestWebSocketSession session = connect();
		session.send("{\"type\":\"subscribe\",\"token\":\"" + this.fixture.token("room:1", "notes")
				+ "\",\"lastEventId\":\"1-otherepoch\"}");
		session.awaitFrames(2);
		assertThat(session.transcript()).isEqualTo("""
				{"type":"subscribed","channel":"room:1","topics":["notes"],"recovered":false}
				%s
				""".formatted(message(kept, "kept")));
	}

	@Test
	void whenTopicIsNotGrantedThenItsMessagesAreSkippedButRunMessagesAreSent() {
		TestWebSocketSession session = connect();
		session.send(subscribe(this.fixture.token("room:1", "notes")));
		session.awaitFrames(1);
		this.fixture.publish("room:1", "secrets", "secret");
		EngineMessage run = this.fixture.publishRun("room:1", "run-1", "completed");
		session.awaitFrames(2);
		assertThat(session.transcript()).isEqualTo(
				"""
						{"type":"subscribed","channel":"room:1","topics":["notes"],"recovered":null}
						{"type":"message","message":{"id":"%s","channel":"room:1","topic":"$run","data":{"status":"completed"},"createdAt":"2026-03-01T10:00:00Z","runId":"run-1","kind":"run"}}
						"""
					.formatted(run.id()));
	}

	@Test
	void whenUnsubscribedThenNoMoreMessagesOfThatChannelAreSent() {
		TestWebSocketSession session = connect();
		session.send(subscribe(this.fixture.token("room:1", "notes")));
		session.awaitFrames(1);
		EngineMessage before = this.fixture.publish("room:1", "notes", "before");
		session.awaitFrames(2);
		session.send("{\"type\":\"unsubscribe\",\"channel\":\"room:1\"}");
		ping(session, 3);
		assertThat(this.hub.channelCount()).isZero();
		this.fixture.publish("room:1", "notes", "after");
		ping(session, 4);
		assertThat(session.transcript()).isEqualTo("""
				{"type":"subscribed","channel":"room:1","topics":["notes"],"recovered":null}
				%s
				{"type":"pong"}
				{"type":"pong"}
				""".formatted(message(before, "before")));
	}

	@Test
	void whenPublishingThenPublishedFrameCarriesTheIdAndTheRef() {
		TestWebSocketSession session = connect();
		session.send(subscribe(
				this.fixture.token("room:1", Set.of("notes", "replies"), Set.of("replies"), Duration.ofMinutes(1))));
		session.awaitFrames(1);
		session.send("{\"type\":\"publish\",\"channel\":\"room:1\",\"topic\":\"replies\","
				+ "\"data\":{\"rating\":5,\"text\":\"ok\"},\"ref\":\"r-1\"}");
		session.awaitFrames(3);
		String id = this.fixture.mapper.readTree(session.frames().get(2)).path("id").asString();
		assertThat(session.transcript()).isEqualTo(
				"""
						{"type":"subscribed","channel":"room:1","topics":["notes","replies"],"recovered":null}
						{"type":"message","message":{"id":"%1$s","channel":"room:1","topic":"replies","data":{"text":"ok","rating":5},"createdAt":"2026-03-01T10:00:00Z","kind":"data"}}
						{"type":"published","id":"%1$s","ref":"r-1"}
						"""
					.formatted(id));
	}

	@Test
	void whenPublishedPayloadIsInvalidThenErrorListsTheFieldErrors() {
		TestWebSocketSession session = connect();
		session
			.send(subscribe(this.fixture.token("room:1", Set.of("notes"), Set.of("replies"), Duration.ofMinutes(1))));
		session.awaitFrames(1);
		session.send("{\"type\":\"publish\",\"channel\":\"room:1\",\"topic\":\"replies\","
				+ "\"data\":{\"text\":\"\",\"rating\":9},\"ref\":\"r-2\"}");
		session.awaitFrames(2);
		JsonNode error = this.fixture.mapper.readTree(session.frames().get(1));
		assertThat(error.path("type").asString()).isEqualTo("error");
		assertThat(error.path("code").asString()).isEqualTo("invalid_payload");
		assertThat(error.path("ref").asString()).isEqualTo("r-2");
		assertThat(error.path("message").asString()).contains("room:1/replies");
		List<String> fields = new ArrayList<>();
		error.path("errors").forEach((field) -> {
			assertThat(field.path("message").asString()).isNotEmpty();
			fields.add(field.path("field").asString());
		});
		assertThat(fields).containsExactlyInAnyOrder("text", "rating");
		assertThat(session.isOpen()).isTrue();
	}

	@Test
	void whenPublishingWithoutSubscriptionThenForbiddenError() {
		TestWebSocketSession session = connect();
		session.send("{\"type\":\"publish\",\"channel\":\"room:9\",\"topic\":\"replies\","
				+ "\"data\":{\"text\":\"hi\",\"rating\":1},\"ref\":\"r-3\"}");
		session.awaitFrames(1);
		assertThat(session.transcript()).isEqualTo(
				"""
						{"type":"error","code":"forbidden","message":"Subscribe to 'room:9' with a token granting publish first","ref":"r-3"}
						""");
		assertThat(session.isOpen()).isTrue();
	}

	@Test
	void whenTokenDoesNotGrantPublishingThenForbiddenError() {
		TestWebSocketSession session = connect();
		session.send(subscribe(this.fixture.token("room:1", "notes", "replies")));
		session.awaitFrames(1);
		session.send("{\"type\":\"publish\",\"channel\":\"room:1\",\"topic\":\"replies\","
				+ "\"data\":{\"text\":\"hi\",\"rating\":1}}");
		session.awaitFrames(2);
		assertThat(session.frames().get(1)).isEqualTo("{\"type\":\"error\",\"code\":\"forbidden\","
				+ "\"message\":\"Token does not grant publishing to 'replies' of channel 'room:1'\"}");
	}

	@Test
	void whenPingedThenPong() {
		TestWebSocketSession session = connect();
		ping(session, 1);
		assertThat(session.transcript()).isEqualTo("""
				{"type":"pong"}
				""");
	}

	@Test
	void whenFramesAreMalformedOrUnknownThenErrorFramesAreSentAndTheConnectionStaysOpen() {
		TestWebSocketSession session = connect();
		session.send("not json");
		session.send("{\"type\":\"shout\",\"ref\":\"r-4\"}");
		session.send("{\"ref\":\"r-5\"}");
		session.send("{\"type\":\"unsubscribe\"}");
		session.send("{\"type\":\"subscribe\",\"token\":\"" + this.fixture.token("room:1", "notes")
				+ "\",\"history\":\"some\"}");
		ping(session, 6);
		assertThat(session.transcript()).isEqualTo("""
				{"type":"error","code":"bad_request","message":"Frame is not JSON"}
				{"type":"error","code":"bad_request","message":"Unknown frame type 'shout'","ref":"r-4"}
				{"type":"error","code":"bad_request","message":"Unknown frame type ''","ref":"r-5"}
				{"type":"error","code":"bad_request","message":"Field 'channel' must be a non-empty string"}
				{"type":"error","code":"bad_request","message":"Field 'history' must be 'all' or 'none'"}
				{"type":"pong"}
				""");
		assertThat(session.isOpen()).isTrue();
	}

	@Test
	void whenFieldsHaveTheWrongTypeThenBadRequestErrorsAndNothingIsSubscribed() {
		this.fixture.publish("room:1", "notes", "kept");
		TestWebSocketSession session = connect();
		String token = this.fixture.token("room:1", "notes");
		for (String lastEventId : List.of("7", "{\"offset\":1}", "[\"1-e\"]", "false")) {
			session.send("{\"type\":\"subscribe\",\"token\":\"" + token + "\",\"lastEventId\":" + lastEventId + "}");
		}
		session.send("{\"type\":\"subscribe\",\"token\":\"" + token + "\",\"history\":{\"mode\":\"none\"}}");
		session.send("{\"type\":\"subscribe\",\"token\":42}");
		session.send("{\"type\":\"refresh\",\"token\":[\"" + token + "\"]}");
		session.send("{\"type\":\"unsubscribe\",\"channel\":1}");
		session.send("{\"type\":\"publish\",\"channel\":\"room:1\",\"topic\":true,\"data\":{}}");
		session.send("{\"type\":\"ping\",\"ref\":7}");
		session.send("{\"type\":[\"ping\"]}");
		session.send("[{\"type\":\"ping\"}]");
		ping(session, 13);
		assertThat(session.transcript()).isEqualTo("""
				{"type":"error","code":"bad_request","message":"Field 'lastEventId' must be a string"}
				{"type":"error","code":"bad_request","message":"Field 'lastEventId' must be a string"}
				{"type":"error","code":"bad_request","message":"Field 'lastEventId' must be a string"}
				{"type":"error","code":"bad_request","message":"Field 'lastEventId' must be a string"}
				{"type":"error","code":"bad_request","message":"Field 'history' must be 'all' or 'none'"}
				{"type":"error","code":"bad_request","message":"Field 'token' must be a non-empty string"}
				{"type":"error","code":"bad_request","message":"Field 'token' must be a non-empty string"}
				{"type":"error","code":"bad_request","message":"Field 'channel' must be a non-empty string"}
				{"type":"error","code":"bad_request","message":"Field 'topic' must be a non-empty string"}
				{"type":"error","code":"bad_request","message":"Field 'ref' must be a string"}
				{"type":"error","code":"bad_request","message":"Field 'type' must be a string"}
				{"type":"error","code":"bad_request","message":"Frame must be a JSON object"}
				{"type":"pong"}
				""");
		assertThat(this.hub.channelCount()).isZero();
		assertThat(session.isOpen()).isTrue();
	}

	@Test
	void whenTextFrameIsNotUtf8ThenClosedWith1007AndNothingIsAnswered() {
		TestWebSocketSession session = connect();
		// a ping whose ref is C3 28: a lead byte without its continuation
		byte[] frame = "{\"type\":\"ping\",\"ref\":\"??\"}".getBytes(StandardCharsets.US_ASCII);
		frame[22] = (byte) 0xC3;
		frame[23] = (byte) 0x28;
		session.send(frame);
		CloseStatus status = session.awaitClose();
		assertThat(status.getCode()).isEqualTo(1007);
		assertThat(session.frames()).isEmpty();
		assertThat(session.handled()).succeedsWithin(TIMEOUT);
	}

	@Test
	void whenSubscriptionsEndInAnyWayThenTheirPlacesAreGivenBack() {
		TestWebSocketSession session = connect();
		String token = this.fixture.token("room:1", "notes");
		session.send(subscribe(token));
		session.send(subscribe(this.fixture.token("room:2", "notes")));
		session.send(subscribe(this.fixture.token("room:3", "notes")));
		session.awaitFrames(3);
		assertThat(this.hub.placesTaken()).isEqualTo(3);
		session.send("{\"type\":\"unsubscribe\",\"channel\":\"room:1\"}");
		ping(session, 4);
		assertThat(this.hub.placesTaken()).isEqualTo(2);
		session.clientCloses();
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(this.hub.placesTaken()).isZero());
		TestWebSocketSession closed = connect();
		closed.send(subscribe(token));
		closed.awaitFrames(1);
		closed.send(subscribe("not-a-token"));
		closed.awaitClose();
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(this.hub.placesTaken()).isZero());
	}

	@Test
	void whenSubscribingTwiceToAChannelThenDuplicateSubscriptionError() {
		TestWebSocketSession session = connect();
		session.send(subscribe(this.fixture.token("room:1", "notes")));
		session.awaitFrames(1);
		session.send(subscribe(this.fixture.token("room:1", "notes")));
		session.awaitFrames(2);
		assertThat(session.frames().get(1)).isEqualTo("{\"type\":\"error\",\"code\":\"duplicate_subscription\","
				+ "\"message\":\"Already subscribed to 'room:1'; unsubscribe first or send a refresh\"}");
	}

	@Test
	void whenSubscriptionsExceedTheLimitThenTooManySubscriptionsError() {
		TestWebSocketSession session = connect(handler(1024, 1), Long.MAX_VALUE);
		session.send(subscribe(this.fixture.token("room:1", "notes")));
		session.awaitFrames(1);
		session.send(subscribe(this.fixture.token("room:2", "notes")));
		session.awaitFrames(2);
		assertThat(session.frames().get(1)).isEqualTo("{\"type\":\"error\",\"code\":\"too_many_subscriptions\","
				+ "\"message\":\"At most 1 subscriptions per connection (realtime.limits.subscriptions-per-connection)\"}");
	}

	@Test
	void whenTokenIsInvalidThenClosedWith4401() {
		TestWebSocketSession session = connect();
		session.send(subscribe("not-a-token"));
		CloseStatus status = session.awaitClose();
		assertThat(status.getCode()).isEqualTo(4401);
		assertThat(status.getReason()).isEqualTo("Malformed token");
		assertThat(session.frames()).isEmpty();
		assertThat(session.handled()).succeedsWithin(TIMEOUT);
		assertNothingSentAfterClose(session);
	}

	@Test
	void whenTokenIsMissingThenClosedWith4401() {
		TestWebSocketSession session = connect();
		session.send("{\"type\":\"subscribe\"}");
		CloseStatus status = session.awaitClose();
		assertThat(status.getCode()).isEqualTo(4401);
		assertThat(status.getReason()).isEqualTo("Missing token");
	}

	@Test
	void whenRefreshTokenDoesNotCoverTheTopicsThenClosedWith4403() {
		TestWebSocketSession session = connect();
		session.send(subscribe(this.fixture.token("room:1", "notes", "secrets")));
		session.awaitFrames(1);
		session.send(refresh(this.fixture.token("room:1", "notes")));
		CloseStatus status = session.awaitClose();
		assertThat(status.getCode()).isEqualTo(4403);
		assertThat(status.getReason()).isEqualTo("Refresh token does not cover a current subscription");
		assertThat(this.hub.channelCount()).isZero();
		assertThat(session.handled()).succeedsWithin(TIMEOUT);
		assertNothingSentAfterClose(session);
	}

	@Test
	void whenRefreshTokenIsForAnotherChannelThenClosedWith4403() {
		TestWebSocketSession session = connect();
		session.send(subscribe(this.fixture.token("room:1", "notes")));
		session.awaitFrames(1);
		session.send(refresh(this.fixture.token("room:2", "notes")));
		assertThat(session.awaitClose().getCode()).isEqualTo(4403);
	}

	@Test
	void whenTokenExpiresWithoutRefreshThenClosedWith4408() {
		TestWebSocketSession session = connect();
		session.send(subscribe(this.fixture.token("room:1", Set.of("notes"), Set.of(), Duration.ofSeconds(2))));
		session.awaitFrames(1);
		advanceAndExpectOpen(session, Duration.ofMillis(1999));
		this.fixture.clock.advance(Duration.ofMillis(1));
		CloseStatus status = session.awaitClose();
		assertThat(status.getCode()).isEqualTo(4408);
		assertThat(status.getReason()).isEqualTo("Token expired");
		assertThat(this.hub.channelCount()).isZero();
		assertThat(session.handled()).succeedsWithin(TIMEOUT);
		assertNothingSentAfterClose(session);
	}

	@Test
	void whenRefreshedThenTheSubscriptionOutlivesTheFirstToken() {
		TestWebSocketSession session = connect();
		session.send(subscribe(this.fixture.token("room:1", Set.of("notes"), Set.of(), Duration.ofSeconds(2))));
		session.awaitFrames(1);
		session.send(refresh(this.fixture.token("room:1", Set.of("notes"), Set.of(), Duration.ofSeconds(10))));
		ping(session, 2);
		advanceAndExpectOpen(session, Duration.ofSeconds(5));
		EngineMessage later = this.fixture.publish("room:1", "notes", "later");
		session.awaitFrames(3);
		this.fixture.clock.advance(Duration.ofSeconds(5));
		assertThat(session.awaitClose().getCode()).isEqualTo(4408);
		assertThat(session.transcript()).isEqualTo("""
				{"type":"subscribed","channel":"room:1","topics":["notes"],"recovered":null}
				{"type":"pong"}
				%s
				""".formatted(message(later, "later")));
	}

	@Test
	void whenRefreshedWithMoreTopicsThenTheirMessagesAreSentToo() {
		TestWebSocketSession session = connect();
		session.send(subscribe(this.fixture.token("room:1", "notes")));
		session.awaitFrames(1);
		session.send(refresh(this.fixture.token("room:1", "notes", "secrets")));
		ping(session, 2);
		EngineMessage secret = this.fixture.publish("room:1", "secrets", "now granted");
		session.awaitFrames(3);
		assertThat(session.frames().get(2)).isEqualTo(message(secret, "room:1", "secrets", "now granted"));
	}

	@Test
	void whenClientDoesNotReadThenClosedWith4429() {
		TestWebSocketSession session = connect(handler(4, 64), 1);
		session.send(subscribe(this.fixture.token("room:1", "typing")));
		session.awaitFrames(1);
		// more than the session may be behind (a few frames) plus the subscriber buffer
		String large = "x".repeat(8 * 1024);
		for (int i = 0; i < 60; i++) {
			this.fixture.publish("room:1", "typing", large);
		}
		session.request(Long.MAX_VALUE);
		CloseStatus status = session.awaitClose();
		assertThat(status.getCode()).isEqualTo(4429);
		assertThat(status.getReason()).isEqualTo("Too slow");
		assertThat(this.hub.channelCount()).isZero();
		assertThat(session.handled()).succeedsWithin(TIMEOUT);
		// what was written before the close is sent before it, the rest was dropped
		assertThat(session.frames()).hasSizeLessThan(60);
		assertNothingSentAfterClose(session);
	}

	@Test
	void whenClientDoesNotReadThenClosedWith4429WithinTheWriteTimeoutWithoutTheWaitingFrames() {
		TestWebSocketSession session = connect(handler(4, 64, Duration.ofMillis(200)), 1);
		session.send(subscribe(this.fixture.token("room:1", "typing")));
		session.awaitFrames(1);
		for (int i = 0; i < 60; i++) {
			this.fixture.publish("room:1", "typing", "typing " + i);
		}
		// never asks for more
		CloseStatus status = session.awaitClose();
		assertThat(status.getCode()).isEqualTo(4429);
		assertThat(session.handled()).succeedsWithin(TIMEOUT);
		assertThat(session.frames()).hasSize(1);
	}

	@Test
	void whenTokenExpiresWhileClientDoesNotReadThenClosedWith4408WithinTheWriteTimeout() {
		TestWebSocketSession session = connect(handler(1024, 64, Duration.ofMillis(200)), 1);
		session.send(subscribe(this.fixture.token("room:1", Set.of("typing"), Set.of(), Duration.ofSeconds(2))));
		session.awaitFrames(1);
		for (int i = 0; i < 40; i++) {
			this.fixture.publish("room:1", "typing", "typing " + i);
		}
		this.fixture.clock.advance(Duration.ofSeconds(2));
		assertThat(session.awaitClose().getCode()).isEqualTo(4408);
		assertThat(session.frames()).hasSize(1);
	}

	@Test
	void whenClientReadsSlowlyThenWaitingMessagesOfEveryChannelAreSentAsItAsksForMore() {
		TestWebSocketSession session = connect(handler(4, 64), 2);
		session.send(subscribe(this.fixture.token("room:1", "typing")));
		session.send(subscribe(this.fixture.token("room:2", "typing")));
		session.awaitFrames(2);
		List<EngineMessage> messages = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			messages.add(this.fixture.publish("room:1", "typing", "one " + i));
			messages.add(this.fixture.publish("room:2", "typing", "two " + i));
		}
		expectFrames(session, 2);
		session.request(1);
		expectFrames(session, 3);
		session.request(Long.MAX_VALUE);
		session.awaitFrames(8);
		List<String> one = session.frames().stream().filter((frame) -> frame.contains("\"one ")).toList();
		List<String> two = session.frames().stream().filter((frame) -> frame.contains("\"two ")).toList();
		assertThat(one).containsExactly(message(messages.get(0), "room:1", "typing", "one 0"),
				message(messages.get(2), "room:1", "typing", "one 1"),
				message(messages.get(4), "room:1", "typing", "one 2"));
		assertThat(two).containsExactly(message(messages.get(1), "room:2", "typing", "two 0"),
				message(messages.get(3), "room:2", "typing", "two 1"),
				message(messages.get(5), "room:2", "typing", "two 2"));
		assertThat(session.isOpen()).isTrue();
	}

	@Test
	void whenServerAsksForOneFrameAtATimeThenEveryMessageIsSentOnceInOrder() {
		TestWebSocketSession session = connect(handler(1024, 64), ONE_AT_A_TIME);
		session.send(subscribe(this.fixture.token("room:1", "notes")));
		session.awaitFrames(1);
		List<String> expected = new ArrayList<>();
		for (int i = 0; i < 300; i++) {
			expected.add(message(this.fixture.publish("room:1", "notes", "burst " + i), "burst " + i));
		}
		session.awaitFrames(301);
		assertThat(session.frames().subList(1, session.frames().size())).isEqualTo(expected);
		assertThat(session.isOpen()).isTrue();
	}

	@Test
	void whenApplicationStopsThenClosedWith1001() {
		TestWebSocketSession session = connect();
		session.send(subscribe(this.fixture.token("room:1", "notes")));
		session.awaitFrames(1);
		this.fixture.shutdown.stop();
		CloseStatus status = session.awaitClose();
		assertThat(status.getCode()).isEqualTo(1001);
		assertThat(status.getReason()).isEqualTo("Server shutting down");
		assertThat(this.hub.channelCount()).isZero();
		assertThat(session.handled()).succeedsWithin(TIMEOUT);
		assertNothingSentAfterClose(session);
	}

	@Test
	void whenApplicationIsStoppingThenNewConnectionIsClosedAtOnceWith1001() {
		this.fixture.shutdown.stop();
		TestWebSocketSession session = connect();
		assertThat(session.awaitClose().getCode()).isEqualTo(1001);
		assertThat(session.frames()).isEmpty();
	}

	@Test
	void whenIdleThenPingsAreSentOnlyWhileNothingElseIs() {
		TestWebSocketSession session = connect();
		ping(session, 1);
		// the pong was the last frame of this period
		advanceAndExpectNoFrame(session, KEEP_ALIVE);
		advance(session, KEEP_ALIVE, 2);
		advance(session, KEEP_ALIVE, 3);
		ping(session, 4);
		advanceAndExpectNoFrame(session, KEEP_ALIVE);
		advance(session, KEEP_ALIVE, 5);
		assertThat(session.transcript()).isEqualTo("""
				{"type":"pong"}
				<ping>
				<ping>
				{"type":"pong"}
				<ping>
				""");
	}

	@Test
	void whenClientClosesThenSubscriptionsAreLeftAndHandlingCompletes() {
		TestWebSocketSession session = connect();
		session.send(subscribe(this.fixture.token("room:1", "notes")));
		session.send(subscribe(this.fixture.token("room:2", "notes")));
		session.awaitFrames(2);
		assertThat(this.hub.channelCount()).isEqualTo(2);
		session.clientCloses();
		assertThat(session.handled()).succeedsWithin(TIMEOUT);
		awaitAtMost().until(() -> this.hub.channelCount() == 0);
	}

	// no message, reply or ping is sent once the server closed the connection
	@Test
	void whenHandshakeComesFromAnotherOriginThenItIsRefusedOnAnyServer() {
		MockServerWebExchange exchange = MockServerWebExchange
			.from(MockServerHttpRequest.get("http://localhost/realtime/ws")
				.header(HttpHeaders.ORIGIN, "https://elsewhere.example")
				.header(HttpHeaders.UPGRADE, "websocket")
				.header(HttpHeaders.CONNECTION, "Upgrade"));
		StepVerifier
			.create(new RealtimeServerEndpoints(this.fixture.endpoints().build()).webSocketEndpoint(List.of())
				.handle(exchange))
			.expectComplete()
			.verify(TIMEOUT);
		assertThat(exchange.getResponse().getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);
	}

	private void assertNothingSentAfterClose(TestWebSocketSession session) {
		this.fixture.publish("room:1", "notes", "after close");
		this.fixture.clock.advance(KEEP_ALIVE.multipliedBy(2));
		awaitAtMost().during(HOLD).untilAsserted(() -> assertThat(session.framesAfterClose()).isEmpty());
	}

	private static ConditionFactory awaitAtMost() {
		return await().atMost(TIMEOUT).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10));
	}

	private RealtimeWebSocketHandler handler(int capacity, int maxSubscriptions) {
		return handler(capacity, maxSubscriptions, Duration.ofSeconds(5));
	}

	private RealtimeWebSocketHandler handler(int capacity, int maxSubscriptions, Duration writeTimeout) {
		this.hub = this.fixture.endpoints(capacity, writeTimeout)
			.subscriptionsPerConnection(maxSubscriptions)
			.webSocketKeepAlive(KEEP_ALIVE)
			.build();
		return new RealtimeWebSocketHandler(this.hub);
	}

	private TestWebSocketSession connect() {
		return connect(handler(1024, 64), Long.MAX_VALUE);
	}

	private TestWebSocketSession connect(RealtimeWebSocketHandler handler, long demand) {
		TestWebSocketSession session = new TestWebSocketSession(handler, demand);
		this.sessions.add(session);
		return session;
	}

	// a pong comes after everything the frames and messages before it caused
	private void ping(TestWebSocketSession session, int frames) {
		session.send("{\"type\":\"ping\"}");
		session.awaitFrames(frames);
		assertThat(session.frames().get(frames - 1)).isEqualTo("{\"type\":\"pong\"}");
	}

	private void advance(TestWebSocketSession session, Duration duration, int frames) {
		this.fixture.clock.advance(duration);
		session.awaitFrames(frames);
	}

	private void advanceAndExpectNoFrame(TestWebSocketSession session, Duration duration) {
		int frames = session.frames().size();
		this.fixture.clock.advance(duration);
		expectFrames(session, frames);
	}

	private void advanceAndExpectOpen(TestWebSocketSession session, Duration duration) {
		this.fixture.clock.advance(duration);
		awaitAtMost().during(HOLD).until(session::isOpen);
	}

	// long enough for the periodic check (every 100ms) to run a few times
	private static void expectFrames(TestWebSocketSession session, int frames) {
		awaitAtMost().during(HOLD).untilAsserted(() -> assertThat(session.frames()).hasSize(frames));
	}

	private static String subscribe(String token) {
		return "{\"type\":\"subscribe\",\"token\":\"" + token + "\"}";
	}

	private static String refresh(String token) {
		return "{\"type\":\"refresh\",\"token\":\"" + token + "\"}";
	}

	private static String message(EngineMessage message, String text) {
		return message(message, "room:1", "notes", text);
	}

	private static String message(EngineMessage message, String channel, String topic, String text) {
		return ("{\"type\":\"message\",\"message\":{\"id\":\"%s\",\"channel\":\"%s\",\"topic\":\"%s\","
				+ "\"data\":{\"text\":\"%s\"},\"createdAt\":\"2026-03-01T10:00:00Z\",\"kind\":\"data\"}}")
			.formatted(message.id(), channel, topic, text);
	}

	/**
	 * A session whose client is the test: it sends the client's frames and records what
	 * the server sends (pings as {@code <ping>}) with the demand the test gives. When the
	 * server closes it, it records the status, ends the client's frames and goes on
	 * recording, so that a test sees anything sent after the close; when the client
	 * closes it, both directions end, as they do when a connection goes.
	 */
	private static final class TestWebSocketSession extends AbstractWebSocketSession<Object> {

		private final Sinks.Many<WebSocketMessage> inbound = Sinks.many().unicast().onBackpressureBuffer();

		private final List<String> frames = new CopyOnWriteArrayList<>();

		private final Sinks.One<CloseStatus> closeStatus = Sinks.one();

		/** How many frames to request at first, or {@link #ONE_AT_A_TIME}. */
		private final long demand;

		private final CompletableFuture<Void> handled;

		private @Nullable Sending sending;

		private int framesBeforeClose = -1;

		TestWebSocketSession(RealtimeWebSocketHandler handler, long demand) {
			super(new Object(), "test",
					new HandshakeInfo(URI.create("ws://localhost/realtime/ws"), new HttpHeaders(), Mono.empty(), null),
					DefaultDataBufferFactory.sharedInstance);
			this.demand = demand;
			this.handled = handler.handle(this).toFuture();
		}

		@Override
		public Flux<WebSocketMessage> receive() {
			return this.inbound.asFlux();
		}

		@Override
		public Mono<Void> send(Publisher<WebSocketMessage> messages) {
			return Mono.create((done) -> {
				Sending sending = new Sending(done);
				synchronized (this) {
					this.sending = sending;
				}
				messages.subscribe(sending);
			});
		}

		@Override
		public synchronized boolean isOpen() {
			return this.framesBeforeClose < 0;
		}

		@Override
		public Mono<Void> close(CloseStatus status) {
			return Mono.fromRunnable(() -> closed(status));
		}

		@Override
		public Mono<CloseStatus> closeStatus() {
			return this.closeStatus.asMono();
		}

		synchronized void send(String json) {
			this.inbound.tryEmitNext(textMessage(json));
		}

		synchronized void send(byte[] text) {
			this.inbound.tryEmitNext(new WebSocketMessage(WebSocketMessage.Type.TEXT,
					DefaultDataBufferFactory.sharedInstance.wrap(text)));
		}

		void clientCloses() {
			closed(CloseStatus.NORMAL);
			Sending sending;
			synchronized (this) {
				sending = this.sending;
			}
			if (sending != null) {
				sending.connectionClosed();
			}
		}

		private synchronized void closed(CloseStatus status) {
			if (this.framesBeforeClose < 0) {
				this.framesBeforeClose = this.frames.size();
				this.closeStatus.tryEmitValue(status);
				this.inbound.tryEmitComplete();
			}
		}

		void request(long n) {
			Sending sending;
			synchronized (this) {
				sending = this.sending;
			}
			assertThat(sending).isNotNull();
			sending.request(n);
		}

		List<String> frames() {
			return List.copyOf(this.frames);
		}

		synchronized List<String> framesAfterClose() {
			assertThat(this.framesBeforeClose).as("closed").isNotNegative();
			List<String> frames = frames();
			return frames.subList(this.framesBeforeClose, frames.size());
		}

		String transcript() {
			StringBuilder transcript = new StringBuilder();
			this.frames.forEach((frame) -> transcript.append(frame).append('\n'));
			return transcript.toString();
		}

		void awaitFrames(int count) {
			awaitAtMost().untilAsserted(() -> assertThat(this.frames).hasSizeGreaterThanOrEqualTo(count));
		}

		CloseStatus awaitClose() {
			return this.closeStatus.asMono().toFuture().orTimeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).join();
		}

		CompletableFuture<Void> handled() {
			return this.handled;
		}

		/**
		 * What the server sends, taken with the session's demand.
		 */
		private final class Sending extends BaseSubscriber<WebSocketMessage> {

			private final MonoSink<Void> done;

			Sending(MonoSink<Void> done) {
				this.done = done;
			}

			@Override
			protected void hookOnSubscribe(Subscription subscription) {
				long demand = TestWebSocketSession.this.demand;
				request((demand != ONE_AT_A_TIME) ? demand : 1);
			}

			@Override
			protected void hookOnNext(WebSocketMessage message) {
				String frame = (message.getType() == WebSocketMessage.Type.PING) ? "<ping>"
						: message.getPayloadAsText();
				DataBufferUtils.release(message.getPayload());
				TestWebSocketSession.this.frames.add(frame);
				if (TestWebSocketSession.this.demand == ONE_AT_A_TIME) {
					// once the frame is written, as Spring's adapters of other servers do
					Schedulers.boundedElastic().schedule(() -> request(1));
				}
			}

			@Override
			protected void hookOnComplete() {
				this.done.success();
			}

			@Override
			protected void hookOnError(Throwable error) {
				this.done.error(error);
			}

			void connectionClosed() {
				cancel();
				this.done.success();
			}

		}

	}

}
