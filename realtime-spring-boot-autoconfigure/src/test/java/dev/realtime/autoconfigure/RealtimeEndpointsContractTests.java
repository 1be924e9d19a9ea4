package dev.realtime.autoconfigure;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.realtime.ChannelCatalog;
import dev.realtime.PublishResult;
import dev.realtime.RealtimePublisher;
import dev.realtime.Topic;
import dev.realtime.autoconfigure.TestPipeline.Status;
import dev.realtime.autoconfigure.TestPipeline.Token;
import dev.realtime.catalog.DefaultChannelCatalog;
import dev.realtime.token.ChannelAuthorization;
import dev.realtime.token.PresenceInfoResolver;
import dev.realtime.token.RealtimeTokens;
import dev.realtime.token.TokenRequest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Flux;
import reactor.netty.http.client.HttpClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.socket.CloseStatus;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The wire contract of the realtime endpoints, end to end on a real server and real
 * sockets: every web stack's transport passes the same tests
 * ({@link WebFluxEndpointsContractTests}, {@link WebMvcEndpointsContractTests}).
 */
@SpringBootTest(classes = RealtimeEndpointsContractTests.TestApplication.class,
		webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "spring.security.user.name=alice", "spring.security.user.password=alice",
				"realtime.history.size=5", "realtime.limits.subscriber-buffer=32",
				"realtime.presence.leave-delay=200ms", "realtime.streams.max-size=64B" })
@AutoConfigureWebTestClient
@ExtendWith(OutputCaptureExtension.class)
abstract class RealtimeEndpointsContractTests {

	private static final JsonMapper json = JsonMapper.builder().build();

	@LocalServerPort
	private int port;

	@Autowired
	private WebTestClient client;

	@Autowired
	private RealtimePublisher publisher;

	@Autowired
	private RealtimeTokens tokens;

	@Autowired
	private ChannelCatalog catalog;

	// token endpoint

	@Test
	void whenAuthorizedThenTokenEndpointMintsToken() {
		this.client.post()
			.uri("/realtime/token")
			.headers((headers) -> headers.setBasicAuth("alice", "alice"))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(
					Map.of("channel", "pipeline:open-1", "topics", List.of("status"), "publish", List.of("approval")))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.channel")
			.isEqualTo("pipeline:open-1")
			.jsonPath("$.topics")
			.isEqualTo(List.of("status"))
			.jsonPath("$.publish")
			.isEqualTo(List.of("approval"))
			.jsonPath("$.token")
			.isNotEmpty()
			.jsonPath("$.expiresAt")
			.isNotEmpty();
	}

	@Test
	void whenRuleDeniesThenTokenEndpointAnswersForbidden() {
		requestToken(Map.of("channel", "pipeline:closed-1")).expectStatus()
			.isForbidden()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.status")
			.isEqualTo(403);
	}

	@Test
	void whenChannelHasNoRuleThenForbiddenSaysHowToDeclareOne() {
		requestToken(Map.of("channel", "notes:alice")).expectStatus()
			.isForbidden()
			.expectBody()
			.jsonPath("$.detail")
			.isEqualTo(ChannelAuthorization.NO_RULE_MESSAGE);
	}

	@Test
	void whenUnauthenticatedThenApplicationSecurityAnswersUnauthorized() {
		this.client.post()
			.uri("/realtime/token")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("channel", "pipeline:open-1"))
			.exchange()
			.expectStatus()
			.isUnauthorized();
	}

	@Test
	void whenChannelOrTopicIsUnknownOrBodyMalformedThenBadRequest() {
		requestToken(Map.of("channel", "nowhere:1")).expectStatus().isBadRequest();
		requestToken(Map.of("channel", "pipeline:open-1", "topics", List.of("nope"))).expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.detail")
			.value((String detail) -> assertThat(detail).contains("nope").contains("status"));
		requestToken(Map.of("channel", "pipeline:bad:value")).expectStatus().isBadRequest();
		this.client.post()
			.uri("/realtime/token")
			.headers((headers) -> headers.setBasicAuth("alice", "alice"))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{not json")
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON);
	}

	@Test
	void whenChannelIsUnknownThenTheDetailSaysOnlyThatAndNamesNoDeclaredChannel() {
		requestToken(Map.of("channel", "nowhere:1")).expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.detail")
			.isEqualTo("Unknown channel 'nowhere:1'");
	}

	@Test
	void whenBodyIsNotJsonThenTokenAndPublishAnswer415NamingApplicationJson(CapturedOutput output) {
		String token = this.tokens.mint(new TokenRequest("pipeline:open-415", Set.of(), Set.of("status"), null))
			.token();
		byte[] body = "{\"channel\":\"pipeline:open-415\",\"topic\":\"status\",\"data\":{\"message\":\"hi\"}}"
			.getBytes(StandardCharsets.UTF_8);
		List<String> contentTypes = Arrays.asList("text/plain", "application/x-www-form-urlencoded", "application/xml",
				null);
		for (String contentType : contentTypes) {
			for (String path : List.of("/realtime/token", "/realtime/publish")) {
				Response response = post(path, contentType, body, false, path.endsWith("publish") ? token : null);
				assertThat(response.status()).as("%s as %s", path, contentType).isEqualTo(415);
				assertThat(response.contentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
				assertThat(json.readTree(response.body()).path("detail").asString()).contains("application/json");
			}
		}
		assertThat(output.getOut()).doesNotContain("UnsupportedMediaTypeStatusException")
			.doesNotContain("Realtime request failed");
	}

	@Test
	void whenJsonComesWithACharsetOrAsAStructuredSuffixThenItIsAccepted() {
		byte[] body = "{\"channel\":\"pipeline:open-json\"}".getBytes(StandardCharsets.UTF_8);
		assertThat(post("/realtime/token", "application/json;charset=UTF-8", body, false, null).status())
			.isEqualTo(200);
		assertThat(post("/realtime/token", "application/vnd.example+json", body, false, null).status()).isEqualTo(200);
	}

	@Test
	void whenBodyIsOverTheRequestLimitThen413ProblemWhetherItsLengthIsDeclaredOrNot(CapturedOutput output) {
		String channel = "pipeline:open-413";
		String token = this.tokens.mint(new TokenRequest(channel, Set.of(), Set.of("status"), null)).token();
		byte[] bigToken = ("{\"channel\":\"" + channel + "\",\"pad\":\"" + "x".repeat(20_000) + "\"}")
			.getBytes(StandardCharsets.UTF_8);
		byte[] bigPublish = publishBody(channel, "x".repeat(100_000));
		for (boolean chunked : List.of(false, true)) {
			Response tokenResponse = post("/realtime/token", "application/json", bigToken, chunked, null);
			assertThat(tokenResponse.status()).as("token, chunked: %s", chunked).isEqualTo(413);
			assertThat(tokenResponse.contentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
			Response publishResponse = post("/realtime/publish", "application/json", bigPublish, chunked, token);
			assertThat(publishResponse.status()).as("publish, chunked: %s", chunked).isEqualTo(413);
			assertThat(publishResponse.contentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
		}
		// a payload up to realtime.limits.max-message-size still fits a publish request
		assertThat(post("/realtime/publish", "application/json", publishBody(channel, "x".repeat(60_000)), true, token)
			.status()).isEqualTo(202);
		assertThat(output.getOut()).doesNotContain("DataBufferLimitException")
			.doesNotContain("Realtime request failed");
	}

	// SSE

	@Test
	void whenTokenIsMissingTamperedOrExpiredThenSseAnswersUnauthorizedBeforeTheStream() {
		String token = mint("pipeline:open-sse-401", "status");
		this.client.get().uri("/realtime/sse").exchange().expectStatus().isUnauthorized();
		String tampered = token.substring(0, token.length() - 3)
				+ ((token.charAt(token.length() - 3) == 'A') ? 'B' : 'A') + token.substring(token.length() - 2);
		this.client.get()
			.uri("/realtime/sse")
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + tampered)
			.exchange()
			.expectStatus()
			.isUnauthorized()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.detail")
			.isEqualTo("Invalid signature");
		this.client.get().uri("/realtime/sse?token=" + tampered).exchange().expectStatus().isUnauthorized();
	}

	@Test
	void whenFirstConnectThenHistoryIsReplayedBeforeLiveMessagesForTheTokensTopicsOnly() throws Exception {
		TestPipelineChannel channel = TestPipelineChannel.of("open-sse-1");
		this.publisher.publish(channel.status(), new Status("one"));
		this.publisher.publish(channel.tokens(), new Token("not kept"));
		this.publisher.publish(channel.status(), new Status("two"));
		try (SseTestClient sse = SseTestClient.connect(this.port, "/realtime/sse", mint(channel.name(), "status"),
				null)) {
			SseTestClient.Event subscribed = sse.next("subscribed");
			assertThat(subscribed.fields()).containsEntry("retry", "1000");
			assertThat(json.readTree(subscribed.data())).isEqualTo(
					json.readTree("{\"channel\":\"pipeline:open-sse-1\",\"topics\":[\"status\"],\"recovered\":null}"));
			assertThat(data(sse.next("message"))).isEqualTo("one");
			assertThat(data(sse.next("message"))).isEqualTo("two");
			this.publisher.publish(channel.tokens(), new Token("not granted"));
			this.publisher.publish(channel.status(), new Status("three"));
			SseTestClient.Event live = sse.next("message");
			assertThat(data(live)).isEqualTo("three");
			JsonNode envelope = json.readTree(live.data());
			assertThat(envelope.path("id").asString()).isEqualTo(live.id());
			assertThat(envelope.path("channel").asString()).isEqualTo("pipeline:open-sse-1");
			assertThat(envelope.path("topic").asString()).isEqualTo("status");
			assertThat(envelope.path("kind").asString()).isEqualTo("data");
			assertThat(envelope.path("createdAt").asString()).isNotEmpty();
		}
	}

	@Test
	void whenResumingAfterAnIdThenExactlyTheMissedMessagesFollowAndRecoveredIsTrue() throws Exception {
		TestPipelineChannel channel = TestPipelineChannel.of("open-sse-2");
		String first = this.publisher.publish(channel.status(), new Status("one")).id();
		this.publisher.publish(channel.status(), new Status("two"));
		this.publisher.publish(channel.status(), new Status("three"));
		try (SseTestClient sse = SseTestClient.connect(this.port, "/realtime/sse", mint(channel.name()), first)) {
			assertThat(sse.next("subscribed").data()).contains("\"recovered\":true");
			assertThat(data(sse.next("message"))).isEqualTo("two");
			assertThat(data(sse.next("message"))).isEqualTo("three");
			assertThat(sse.poll(Duration.ofMillis(200))).isNull();
		}
	}

	@Test
	void whenResumingAfterEvictedMessagesThenRecoveredIsFalse() throws Exception {
		TestPipelineChannel channel = TestPipelineChannel.of("open-sse-3");
		String first = this.publisher.publish(channel.status(), new Status("0")).id();
		for (int i = 1; i <= 7; i++) {
			this.publisher.publish(channel.status(), new Status(String.valueOf(i)));
		}
		try (SseTestClient sse = SseTestClient.connect(this.port, "/realtime/sse?lastEventId=" + first,
				mint(channel.name()), null)) {
			assertThat(sse.next("subscribed").data()).contains("\"recovered\":false");
			assertThat(sse.next(5)).extracting(RealtimeEndpointsContractTests::data)
				.containsExactly("3", "4", "5", "6", "7");
		}
	}

	@Test
	void whenHistoryIsNoneThenOnlyLiveMessagesAreSent() throws Exception {
		TestPipelineChannel channel = TestPipelineChannel.of("open-sse-4");
		this.publisher.publish(channel.status(), new Status("old"));
		try (SseTestClient sse = SseTestClient.connect(this.port, "/realtime/sse?history=none", mint(channel.name()),
				null)) {
			sse.next("subscribed");
			this.publisher.publish(channel.status(), new Status("new"));
			assertThat(data(sse.next("message"))).isEqualTo("new");
		}
	}

	@Test
	void whenLastEventIdIsMalformedThenBadRequest() {
		this.client.get()
			.uri("/realtime/sse?lastEventId=nonsense")
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + mint("pipeline:open-sse-5"))
			.exchange()
			.expectStatus()
			.isBadRequest();
	}

	@Test
	void whenTokenExpiresThenStreamEndsWithExpiredEvent() throws Exception {
		String token = this.tokens
			.mint(new TokenRequest("pipeline:open-sse-6", java.util.Set.of(), java.util.Set.of(),
					Duration.ofSeconds(2)))
			.token();
		try (SseTestClient sse = SseTestClient.connect(this.port, "/realtime/sse", token, null)) {
			sse.next("subscribed");
			SseTestClient.Event expired = sse.next("expired");
			assertThat(expired.data()).isEqualTo("{\"channel\":\"pipeline:open-sse-6\"}");
		}
	}

	@Test
	void whenSubscriberCannotKeepUpThenItIsDisconnectedWithAnErrorEvent() throws Exception {
		// the engine tests show that other subscribers and the publisher keep going
		TestPipelineChannel channel = TestPipelineChannel.of("open-sse-slow");
		String big = "x".repeat(60_000);
		try (SseTestClient slow = SseTestClient.connect(this.port, "/realtime/sse?history=none", mint(channel.name()),
				null, true)) {
			slow.next("subscribed");
			for (int i = 0; i < 400; i++) {
				this.publisher.publish(channel.tokens(), new Token(big));
			}
			slow.resumeReading();
			SseTestClient.Event last;
			do {
				last = slow.next();
			}
			while (last.type().equals("message"));
			assertThat(last.type()).isEqualTo("error");
			assertThat(json.readTree(last.data()).path("code").asString()).isEqualTo("slow_consumer");
		}
	}

	// client publish

	@Test
	void whenTokenGrantsPublishThenClientPublishIsAcceptedAndDelivered() throws Exception {
		String channel = "pipeline:open-pub-1";
		String token = this.tokens
			.mint(new TokenRequest(channel, java.util.Set.of(), java.util.Set.of("approval"), null))
			.token();
		try (SseTestClient sse = SseTestClient.connect(this.port, "/realtime/sse", token, null)) {
			sse.next("subscribed");
			this.client.post()
				.uri("/realtime/publish")
				.header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue(Map.of("channel", channel, "topic", "approval", "data", Map.of("approved", true)))
				.exchange()
				.expectStatus()
				.isAccepted()
				.expectBody()
				.jsonPath("$.id")
				.isNotEmpty();
			JsonNode envelope = json.readTree(sse.next("message").data());
			assertThat(envelope.path("topic").asString()).isEqualTo("approval");
			assertThat(envelope.path("data").path("approved").asBoolean()).isTrue();
		}
	}

	@Test
	void whenClientPayloadIsInvalidThenBadRequestWithFieldErrors() {
		String channel = "pipeline:open-pub-2";
		String token = this.tokens.mint(new TokenRequest(channel, java.util.Set.of(), java.util.Set.of("status"), null))
			.token();
		this.client.post()
			.uri("/realtime/publish")
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("channel", channel, "topic", "status", "data", Map.of("message", " ")))
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.errors[0].field")
			.isEqualTo("message");
	}

	@Test
	void whenTopicIsNotGrantedThenClientPublishIsForbidden() {
		String channel = "pipeline:open-pub-3";
		String token = mint(channel);
		this.client.post()
			.uri("/realtime/publish")
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("channel", channel, "topic", "approval", "data", Map.of("approved", true)))
			.exchange()
			.expectStatus()
			.isForbidden();
	}

	// WebSocket

	@Test
	void whenTwoChannelsShareOneSocketThenBothStreamAndRepliesArePublished() throws Exception {
		TestPipelineChannel first = TestPipelineChannel.of("open-ws-1");
		TestPipelineChannel second = TestPipelineChannel.of("open-ws-2");
		String firstToken = this.tokens
			.mint(new TokenRequest(first.name(), java.util.Set.of(), java.util.Set.of("approval"), null))
			.token();
		try (WebSocketTestClient ws = WebSocketTestClient.connect(this.port, null)) {
			ws.send("{\"type\":\"subscribe\",\"token\":\"" + firstToken + "\",\"lastEventId\":null}");
			ws.send("{\"type\":\"subscribe\",\"token\":\"" + mint(second.name()) + "\",\"history\":\"none\"}");
			assertThat(ws.next().path("type").asString()).isEqualTo("subscribed");
			assertThat(ws.next().path("type").asString()).isEqualTo("subscribed");
			this.publisher.publish(first.status(), new Status("to first"));
			this.publisher.publish(second.status(), new Status("to second"));
			List<String> received = List.of(ws.next().path("message").path("data").path("message").asString(),
					ws.next().path("message").path("data").path("message").asString());
			assertThat(received).containsExactlyInAnyOrder("to first", "to second");
			ws.send("{\"type\":\"publish\",\"channel\":\"" + first.name()
					+ "\",\"topic\":\"approval\",\"data\":{\"approved\":false},\"ref\":\"r1\"}");
			List<JsonNode> frames = List.of(ws.next(), ws.next());
			assertThat(frames).anySatisfy((frame) -> {
				assertThat(frame.path("type").asString()).isEqualTo("published");
				assertThat(frame.path("ref").asString()).isEqualTo("r1");
			});
			ws.send("{\"type\":\"publish\",\"channel\":\"" + second.name()
					+ "\",\"topic\":\"approval\",\"data\":{\"approved\":false},\"ref\":\"r2\"}");
			JsonNode error = ws.next();
			assertThat(error.path("type").asString()).isEqualTo("error");
			assertThat(error.path("code").asString()).isEqualTo("forbidden");
			ws.send("{\"type\":\"ping\"}");
			assertThat(ws.next().path("type").asString()).isEqualTo("pong");
		}
	}

	@Test
	void whenFramesAreMalformedOrNotAllowedThenErrorFramesSayWhyAndTheSocketStaysOpen() throws Exception {
		String channel = "pipeline:open-ws-errors";
		String token = this.tokens.mint(new TokenRequest(channel, java.util.Set.of(), java.util.Set.of("status"), null))
			.token();
		try (WebSocketTestClient ws = WebSocketTestClient.connect(this.port, null)) {
			ws.send("not json");
			assertThat(ws.next().path("code").asString()).isEqualTo("bad_request");
			ws.send("{\"type\":\"dance\",\"ref\":\"r0\"}");
			JsonNode unknown = ws.next();
			assertThat(unknown.path("message").asString()).contains("dance");
			assertThat(unknown.path("ref").asString()).isEqualTo("r0");
			ws.send("{\"type\":\"subscribe\",\"token\":\"" + token + "\",\"lastEventId\":\"nonsense\"}");
			assertThat(ws.next().path("message").asString()).contains("lastEventId");
			ws.send("{\"type\":\"subscribe\",\"token\":\"" + token + "\",\"history\":\"none\"}");
			assertThat(ws.next().path("type").asString()).isEqualTo("subscribed");
			ws.send("{\"type\":\"subscribe\",\"token\":\"" + token + "\"}");
			assertThat(ws.next().path("code").asString()).isEqualTo("duplicate_subscription");
			ws.send("{\"type\":\"publish\",\"channel\":\"" + channel
					+ "\",\"topic\":\"status\",\"data\":{\"message\":\" \"},\"ref\":\"r1\"}");
			JsonNode invalid = ws.next();
			assertThat(invalid.path("code").asString()).isEqualTo("invalid_payload");
			assertThat(invalid.path("errors").get(0).path("field").asString()).isEqualTo("message");
			ws.send("{\"type\":\"unsubscribe\",\"channel\":\"" + channel + "\"}");
			ws.send("{\"type\":\"publish\",\"channel\":\"" + channel
					+ "\",\"topic\":\"status\",\"data\":{\"message\":\"hi\"}}");
			assertThat(ws.next().path("code").asString()).isEqualTo("forbidden");
			ws.send("{\"type\":\"ping\"}");
			assertThat(ws.next().path("type").asString()).isEqualTo("pong");
		}
	}

	@Test
	void whenFrameValuesNeedEscapingThenRepliesCarryThemExactlyInTheWireContractsOrder() throws Exception {
		// quotes, a backslash, a slash, control characters, non-ASCII and a surrogate
		// pair
		String awkward = "a\"b\\c/d\ne\tf\u0001g\u007f é € \u2028 😀";
		TestPipelineChannel channel = TestPipelineChannel.of("open-ws-escaping");
		String token = this.tokens.mint(new TokenRequest(channel.name(), Set.of(), Set.of("approval"), null)).token();
		try (WebSocketTestClient ws = WebSocketTestClient.connect(this.port, null)) {
			ws.send(json.writeValueAsString(Map.of("type", awkward, "ref", awkward)));
			assertThat(ws.nextText()).isEqualTo(frame("type", "error", "code", "bad_request", "message",
					"Unknown frame type '" + awkward + "'", "ref", awkward));
			ws.send(json.writeValueAsString(Map.of("type", "publish", "channel", awkward, "topic", "approval", "ref",
					awkward, "data", Map.of("approved", false))));
			assertThat(ws.nextText()).isEqualTo(frame("type", "error", "code", "forbidden", "message",
					"Subscribe to '" + awkward + "' with a token granting publish first", "ref", awkward));
			ws.send("{\"type\":\"subscribe\",\"token\":\"" + token + "\",\"history\":\"none\"}");
			assertThat(ws.nextText()).isEqualTo(frame("type", "subscribed", "channel", channel.name(), "topics",
					List.of("approval", "status", "tokens"), "recovered", null));
			ws.send(json.writeValueAsString(Map.of("type", "publish", "channel", channel.name(), "topic", "approval",
					"ref", awkward, "data", Map.of("approved", false))));
			List<String> frames = List.of(ws.nextText(), ws.nextText());
			String published = frames.stream()
				.filter((frame) -> frame.startsWith("{\"type\":\"published\""))
				.findFirst()
				.orElseThrow();
			assertThat(published).isEqualTo(
					frame("type", "published", "id", json.readTree(published).path("id").asString(), "ref", awkward));
		}
	}

	// the frame the default mapper writes for these fields in this order
	private static String frame(@Nullable Object... fieldsAndValues) {
		Map<String, @Nullable Object> frame = new LinkedHashMap<>();
		for (int i = 0; i < fieldsAndValues.length; i += 2) {
			frame.put((String) fieldsAndValues[i], fieldsAndValues[i + 1]);
		}
		return json.writeValueAsString(frame);
	}

	@Test
	void whenLastEventIdIsNotAStringThenBadRequestAndNothingIsReplayed() throws Exception {
		TestPipelineChannel channel = TestPipelineChannel.of("open-ws-types");
		this.publisher.publish(channel.status(), new Status("kept"));
		String token = mint(channel.name());
		try (WebSocketTestClient ws = WebSocketTestClient.connect(this.port, null)) {
			for (String lastEventId : List.of("7", "{\"id\":\"1\"}", "[]", "true")) {
				ws.send("{\"type\":\"subscribe\",\"token\":\"" + token + "\",\"lastEventId\":" + lastEventId + "}");
				JsonNode error = ws.next();
				assertThat(error.path("code").asString()).as(lastEventId).isEqualTo("bad_request");
				assertThat(error.path("message").asString()).contains("lastEventId");
			}
			ws.send("{\"type\":\"ping\"}");
			assertThat(ws.next().path("type").asString()).isEqualTo("pong");
		}
	}

	@Test
	void whenTextFrameIsNotUtf8ThenSocketClosesWith1007() throws Exception {
		try (WebSocketTestClient ws = WebSocketTestClient.connect(this.port, null)) {
			ws.send("{\"type\":\"ping\"}");
			assertThat(ws.next().path("type").asString()).isEqualTo("pong");
			// a ping whose ref is C3 28: a lead byte without its continuation
			ws.send(new byte[] { '{', '"', 't', 'y', 'p', 'e', '"', ':', '"', 'p', 'i', 'n', 'g', '"', ',', '"', 'r',
					'e', 'f', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}' });
			assertThat(ws.closeStatus().getCode()).isEqualTo(1007);
		}
	}

	@Test
	void whenClientSendsABinaryFrameThenSocketClosesWith1003() throws Exception {
		try (WebSocketTestClient ws = WebSocketTestClient.connect(this.port, null)) {
			ws.sendBinary("{\"type\":\"ping\"}".getBytes(StandardCharsets.UTF_8));
			CloseStatus status = ws.closeStatus();
			assertThat(status.getCode()).isEqualTo(1003);
			assertThat(status.getReason()).isEqualTo("Binary frames are not supported");
		}
	}

	@Test
	void whenSubscribeTokenIsInvalidThenSocketClosesWith4401() throws Exception {
		try (WebSocketTestClient ws = WebSocketTestClient.connect(this.port, null)) {
			ws.send("{\"type\":\"subscribe\",\"token\":\"garbage\"}");
			assertThat(ws.closeStatus().getCode()).isEqualTo(4401);
		}
	}

	@Test
	void whenTokenExpiresWithoutRefreshThenSocketClosesWith4408() throws Exception {
		String token = this.tokens
			.mint(new TokenRequest("pipeline:open-ws-3", java.util.Set.of(), java.util.Set.of(), Duration.ofSeconds(2)))
			.token();
		try (WebSocketTestClient ws = WebSocketTestClient.connect(this.port, null)) {
			ws.send("{\"type\":\"subscribe\",\"token\":\"" + token + "\"}");
			assertThat(ws.next().path("type").asString()).isEqualTo("subscribed");
			assertThat(ws.closeStatus().getCode()).isEqualTo(4408);
		}
	}

	@Test
	void whenTokenIsRefreshedThenSubscriptionOutlivesTheFirstToken() throws Exception {
		String channel = "pipeline:open-ws-4";
		String shortToken = this.tokens
			.mint(new TokenRequest(channel, java.util.Set.of(), java.util.Set.of(), Duration.ofSeconds(2)))
			.token();
		try (WebSocketTestClient ws = WebSocketTestClient.connect(this.port, null)) {
			ws.send("{\"type\":\"subscribe\",\"token\":\"" + shortToken + "\"}");
			assertThat(ws.next().path("type").asString()).isEqualTo("subscribed");
			ws.send("{\"type\":\"refresh\",\"token\":\"" + mint(channel) + "\"}");
			Thread.sleep(2500);
			this.publisher.publish(TestPipelineChannel.of("open-ws-4").status(), new Status("still here"));
			assertThat(ws.next().path("message").path("data").path("message").asString()).isEqualTo("still here");
		}
	}

	/**
	 * Handshakes pass the application's security, which looks up the request's session on
	 * another thread than the connection's: no connection may lose the first frames its
	 * client sends right after the upgrade.
	 */
	@Test
	void whenManyClientsSendAFrameRightAfterTheHandshakeThenEveryOneIsAnswered() throws Exception {
		List<Integer> unanswered = new ArrayList<>();
		for (int i = 0; i < 60; i++) {
			try (WebSocketTestClient ws = WebSocketTestClient.connect(this.port, null)) {
				ws.send("{\"type\":\"ping\"}");
				if (ws.poll(Duration.ofSeconds(3)) == null) {
					unanswered.add(i);
				}
			}
		}
		assertThat(unanswered).isEmpty();
	}

	@Test
	void whenOriginIsForeignThenHandshakeIsRefused() {
		assertThat(WebSocketTestClient.handshakeStatus(this.port, "https://evil.example.com"))
			.isEqualTo(HttpStatus.FORBIDDEN.value());
		assertThat(WebSocketTestClient.handshakeStatus(this.port, "http://127.0.0.1:" + this.port))
			.isEqualTo(HttpStatus.SWITCHING_PROTOCOLS.value());
	}

	// client modules

	@Test
	void whenClientModuleIsRequestedThenItIsServedWithoutAuthentication() {
		this.client.get()
			.uri("/realtime/client.js")
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.contentTypeCompatibleWith("text/javascript")
			.expectBody(String.class)
			.value((body) -> assertThat(body).contains("export function subscribe"));
	}

	// stream topics

	@Test
	void whenALateSubscriberConnectsThenItGetsTheWholeStreamedTextAsOneSnapshotThenTheNextChunks() throws Exception {
		String channel = "lobby:open-transcript";
		Topic<String> transcript = transcript(channel);
		this.publisher.publish(transcript, "Hello, ");
		PublishResult last = this.publisher.publish(transcript, "\"world\"");
		try (SseTestClient late = SseTestClient.connect(this.port, "/realtime/sse", mint(channel, "transcript"), null);
				WebSocketTestClient ws = WebSocketTestClient.connect(this.port, null)) {
			late.next("subscribed");
			SseTestClient.Event event = late.next("message");
			assertThat(event.id()).isEqualTo(last.id());
			JsonNode snapshot = json.readTree(event.data());
			assertThat(snapshot.path("kind").asString()).isEqualTo("snapshot");
			assertThat(snapshot.path("topic").asString()).isEqualTo("transcript");
			assertThat(snapshot.path("data").asString()).isEqualTo("Hello, \"world\"");
			ws.send("{\"type\":\"subscribe\",\"token\":\"" + mint(channel, "transcript") + "\"}");
			assertThat(ws.next().path("type").asString()).isEqualTo("subscribed");
			assertThat(ws.next().path("message").path("data").asString()).isEqualTo("Hello, \"world\"");
			this.publisher.publish(transcript, "!");
			JsonNode chunk = json.readTree(late.next("message").data());
			assertThat(chunk.path("kind").asString()).isEqualTo("data");
			assertThat(chunk.path("data").asString()).isEqualTo("!");
			assertThat(ws.next().path("message").path("data").asString()).isEqualTo("!");
		}
		// a subscriber that has every chunk gets no snapshot
		try (SseTestClient resumed = SseTestClient.connect(this.port, "/realtime/sse", mint(channel, "transcript"),
				this.publisher.publish(transcript, " Bye.").id())) {
			assertThat(resumed.next("subscribed").data()).contains("\"recovered\":true");
			assertThat(resumed.poll(Duration.ofMillis(300))).isNull();
		}
	}

	@Test
	void whenAChunkWouldGrowAStreamBeyondItsLimitThenThePublishIsRefusedAndNothingIsDelivered() throws Exception {
		String channel = "lobby:open-transcript-limit";
		String token = this.tokens.mint(new TokenRequest(channel, Set.of("transcript"), Set.of("transcript"), null))
			.token();
		this.publisher.publish(transcript(channel), "x".repeat(40));
		this.client.post()
			.uri("/realtime/publish")
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("channel", channel, "topic", "transcript", "data", "y".repeat(30)))
			.exchange()
			.expectStatus()
			.isEqualTo(HttpStatus.CONTENT_TOO_LARGE)
			.expectBody()
			.jsonPath("$.detail")
			.value((detail) -> assertThat((String) detail).contains("realtime.streams.max-size"));
		try (WebSocketTestClient ws = WebSocketTestClient.connect(this.port, null)) {
			ws.send("{\"type\":\"subscribe\",\"token\":\"" + token + "\"}");
			assertThat(ws.next().path("type").asString()).isEqualTo("subscribed");
			assertThat(ws.next().path("message").path("kind").asString()).isEqualTo("snapshot");
			ws.send("{\"type\":\"publish\",\"channel\":\"" + channel + "\",\"topic\":\"transcript\",\"data\":\""
					+ "z".repeat(30) + "\",\"ref\":\"t1\"}");
			JsonNode error = ws.next();
			assertThat(error.path("code").asString()).isEqualTo("too_large");
			assertThat(error.path("ref").asString()).isEqualTo("t1");
		}
	}

	private static Topic<String> transcript(String channel) {
		return DefaultChannelCatalog.of(TestLobby.class).resolve(channel).topic("transcript", String.class);
	}

	// presence

	@Test
	void whenATokenAsksForPresenceThenItIsGrantedOnChannelsThatTrackItOnly() {
		requestToken(Map.of("channel", "lobby:open-token", "presence", true)).expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.presence")
			.isEqualTo(true);
		requestToken(Map.of("channel", "pipeline:open-presence", "presence", true)).expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.detail")
			.isEqualTo("Channel 'pipeline:open-presence' does not track presence");
	}

	@Test
	void whenAUserSubscribesOverSseAndWebSocketThenWatchersSeeOneJoinAndOneLeave() throws Exception {
		String channel = "lobby:open-members";
		String alice = mintPresence(channel, "alice", false);
		Topic<TestLobby.Line> lines = DefaultChannelCatalog.of(TestLobby.class)
			.resolve(channel)
			.topic("lines", TestLobby.Line.class);
		try (SseTestClient watcher = SseTestClient.connect(this.port, "/realtime/sse",
				mintPresence(channel, "watcher", true), null)) {
			assertThat(json.readTree(watcher.next("subscribed").data()).path("topics").toString())
				.isEqualTo("[\"$presence\",\"lines\",\"transcript\"]");
			assertThat(presenceEvent(watcher).toString())
				.isEqualTo("{\"type\":\"join\",\"user\":\"watcher\",\"info\":{\"name\":\"Dr. watcher\"},\"count\":1}");
			try (SseTestClient tab = SseTestClient.connect(this.port, "/realtime/sse", alice, null);
					WebSocketTestClient otherTab = WebSocketTestClient.connect(this.port, null)) {
				tab.next("subscribed");
				otherTab.send("{\"type\":\"subscribe\",\"token\":\"" + alice + "\"}");
				assertThat(otherTab.next().path("type").asString()).isEqualTo("subscribed");
				JsonNode join = presenceEvent(watcher);
				assertThat(join.path("type").asString()).isEqualTo("join");
				assertThat(join.path("user").asString()).isEqualTo("alice");
				assertThat(join.path("count").asLong()).isEqualTo(2);
				// a token without the presence grant hears no presence
				this.publisher.publish(
						DefaultChannelCatalog.of(TestLobby.class).resolve(channel).topic("lines", TestLobby.Line.class),
						new TestLobby.Line("hello"));
				assertThat(json.readTree(tab.next("message").data()).path("topic").asString()).isEqualTo("lines");
				assertThat(json.readTree(watcher.next("message").data()).path("topic").asString()).isEqualTo("lines");
				this.client.get()
					.uri("/realtime/presence?channel=" + channel)
					.header(HttpHeaders.AUTHORIZATION, "Bearer " + mintPresence(channel, "watcher", true))
					.exchange()
					.expectStatus()
					.isOk()
					.expectBody()
					.json("{\"channel\":\"lobby:open-members\",\"count\":2,\"members\":["
							+ "{\"user\":\"watcher\",\"info\":{\"name\":\"Dr. watcher\"}},"
							+ "{\"user\":\"alice\",\"info\":{\"name\":\"Dr. alice\"}}]}");
			}
			// a servlet container notices a closed SSE connection when it writes to it
			JsonNode leave = null;
			for (int i = 0; i < 50 && leave == null; i++) {
				this.publisher.publish(lines, new TestLobby.Line("anyone there?"));
				for (SseTestClient.Event event; leave == null
						&& (event = watcher.poll(Duration.ofMillis(100))) != null;) {
					JsonNode envelope = json.readTree(event.data());
					if (envelope.path("topic").asString().equals("$presence")) {
						leave = envelope.path("data");
					}
				}
			}
			assertThat(leave).isNotNull();
			assertThat(leave.path("type").asString()).isEqualTo("leave");
			assertThat(leave.path("user").asString()).isEqualTo("alice");
			assertThat(leave.path("count").asLong()).isEqualTo(1);
		}
	}

	@Test
	void whenAWebSocketAsksWhoIsSubscribedThenThePresenceFrameAnswersWithItsRef() throws Exception {
		String channel = "lobby:open-frame";
		try (WebSocketTestClient ws = WebSocketTestClient.connect(this.port, null)) {
			ws.send("{\"type\":\"subscribe\",\"token\":\"" + mintPresence(channel, "alice", true) + "\"}");
			assertThat(ws.next().path("type").asString()).isEqualTo("subscribed");
			assertThat(ws.next().path("message").path("topic").asString()).isEqualTo("$presence");
			ws.send("{\"type\":\"presence\",\"channel\":\"" + channel + "\",\"ref\":\"p1\"}");
			assertThat(ws.nextText()).isEqualTo("{\"type\":\"presence\",\"channel\":\"lobby:open-frame\",\"count\":1,"
					+ "\"members\":[{\"user\":\"alice\",\"info\":{\"name\":\"Dr. alice\"}}],\"ref\":\"p1\"}");
			ws.send("{\"type\":\"presence\",\"channel\":\"lobby:open-elsewhere\",\"ref\":\"p2\"}");
			JsonNode error = ws.next();
			assertThat(error.path("code").asString()).isEqualTo("forbidden");
			assertThat(error.path("ref").asString()).isEqualTo("p2");
		}
	}

	@Test
	void whenATokenDoesNotGrantPresenceThenQueriesAreRefused() throws Exception {
		String channel = "lobby:open-refused";
		String token = mintPresence(channel, "alice", false);
		this.client.get()
			.uri("/realtime/presence?channel=" + channel)
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
			.exchange()
			.expectStatus()
			.isForbidden()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON);
		this.client.get()
			.uri("/realtime/presence?channel=lobby:open-other")
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + mintPresence(channel, "alice", true))
			.exchange()
			.expectStatus()
			.isForbidden();
		this.client.get()
			.uri("/realtime/presence")
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + mintPresence(channel, "alice", true))
			.exchange()
			.expectStatus()
			.isBadRequest();
		this.client.get().uri("/realtime/presence?channel=" + channel).exchange().expectStatus().isUnauthorized();
		try (WebSocketTestClient ws = WebSocketTestClient.connect(this.port, null)) {
			ws.send("{\"type\":\"subscribe\",\"token\":\"" + token + "\"}");
			assertThat(ws.next().path("type").asString()).isEqualTo("subscribed");
			ws.send("{\"type\":\"presence\",\"channel\":\"" + channel + "\",\"ref\":\"p1\"}");
			JsonNode error = ws.next();
			assertThat(error.path("type").asString()).isEqualTo("error");
			assertThat(error.path("code").asString()).isEqualTo("forbidden");
		}
	}

	private String mintPresence(String channel, String user, boolean presence) {
		return this.tokens
			.mint(new TokenRequest(channel, Set.of(), Set.of(), false, null, user, presence,
					Map.of("name", "Dr. " + user)))
			.token();
	}

	private static JsonNode presenceEvent(SseTestClient stream) throws InterruptedException {
		JsonNode envelope = json.readTree(stream.next("message").data());
		assertThat(envelope.path("topic").asString()).isEqualTo("$presence");
		assertThat(envelope.path("kind").asString()).isEqualTo("presence");
		return envelope.path("data");
	}

	private WebTestClient.ResponseSpec requestToken(Map<String, Object> body) {
		return this.client.post()
			.uri("/realtime/token")
			.headers((headers) -> headers.setBasicAuth("alice", "alice"))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(body)
			.exchange();
	}

	private Response post(String path, @Nullable String contentType, byte[] body, boolean chunked,
			@Nullable String bearer) {
		HttpClient http = HttpClient.create().headers((headers) -> {
			if (bearer != null) {
				headers.add(HttpHeaders.AUTHORIZATION, "Bearer " + bearer);
			}
			else {
				headers.add(HttpHeaders.AUTHORIZATION,
						"Basic " + Base64.getEncoder().encodeToString("alice:alice".getBytes(StandardCharsets.UTF_8)));
			}
			if (contentType != null) {
				headers.add(HttpHeaders.CONTENT_TYPE, contentType);
			}
			if (!chunked) {
				headers.add(HttpHeaders.CONTENT_LENGTH, body.length);
			}
		});
		// chunked: in pieces of 4 KiB, with no declared length
		List<ByteBuf> pieces = new ArrayList<>();
		for (int i = 0; i < body.length; i += (chunked ? 4096 : body.length)) {
			pieces.add(Unpooled.wrappedBuffer(body, i, Math.min(chunked ? 4096 : body.length, body.length - i)));
		}
		return http.post()
			.uri("http://127.0.0.1:" + this.port + path)
			.send(Flux.fromIterable(pieces))
			.responseSingle((response, content) -> content.asString()
				.defaultIfEmpty("")
				.map((text) -> new Response(response.status().code(),
						response.responseHeaders().get(HttpHeaders.CONTENT_TYPE), text)))
			.block(Duration.ofSeconds(10));
	}

	private static byte[] publishBody(String channel, String message) {
		return ("{\"channel\":\"" + channel + "\",\"topic\":\"status\",\"data\":{\"message\":\"" + message + "\"}}")
			.getBytes(StandardCharsets.UTF_8);
	}

	private String mint(String channel, String... topics) {
		return this.tokens.mint(TokenRequest.read(channel, topics)).token();
	}

	private static String data(SseTestClient.Event event) {
		JsonNode data = json.readTree(event.data()).path("data");
		return data.has("message") ? data.path("message").asString() : data.path("token").asString();
	}

	record Response(int status, @Nullable String contentType, String body) {
	}

	/**
	 * The application of the contract tests, on either web stack: HTTP Basic for the
	 * token endpoint, everything else authenticated.
	 */
	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class TestApplication {

		@Bean
		ChannelCatalog channelCatalog() {
			return DefaultChannelCatalog.of(TestPipeline.class, TestNotes.class, TestLobby.class);
		}

		@Bean
		PresenceInfoResolver presenceInfo() {
			return (authentication, channel) -> Map.of("name", "Dr. " + authentication.getName());
		}

		@Configuration(proxyBeanMethods = false)
		@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
		static class ReactiveSecurity {

			@Bean
			SecurityWebFilterChain applicationSecurity(ServerHttpSecurity http) {
				return http.authorizeExchange((exchanges) -> exchanges.anyExchange().authenticated())
					.httpBasic(Customizer.withDefaults())
					.csrf(ServerHttpSecurity.CsrfSpec::disable)
					.build();
			}

		}

		@Configuration(proxyBeanMethods = false)
		@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
		static class ServletSecurity {

			@Bean
			SecurityFilterChain applicationSecurity(HttpSecurity http) {
				return http.authorizeHttpRequests((requests) -> requests.anyRequest().authenticated())
					.httpBasic(Customizer.withDefaults())
					.csrf(AbstractHttpConfigurer::disable)
					.build();
			}

		}

	}

}
