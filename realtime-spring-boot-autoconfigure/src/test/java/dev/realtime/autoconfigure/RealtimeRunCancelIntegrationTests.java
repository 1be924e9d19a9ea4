package dev.realtime.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.realtime.Channel;
import dev.realtime.ChannelCatalog;
import dev.realtime.catalog.DefaultChannelCatalog;
import dev.realtime.run.RealtimeRuns;
import dev.realtime.run.RunHandle;
import dev.realtime.run.RunOptions;
import dev.realtime.token.RealtimeTokens;
import dev.realtime.token.TokenRequest;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Browsers cancelling runs over {@code POST {base}/runs/{runId}/cancel} and the WebSocket
 * {@code cancel} frame, on a real server and real sockets, with the token's cancel grant
 * decided by the channel's rule.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "spring.security.user.name=alice", "spring.security.user.password=alice" })
@AutoConfigureWebTestClient
class RealtimeRunCancelIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private static final JsonMapper json = JsonMapper.builder().build();

	@LocalServerPort
	private int port;

	@Autowired
	private WebTestClient client;

	@Autowired
	private RealtimeRuns runs;

	@Autowired
	private RealtimeTokens tokens;

	@Autowired
	private ChannelCatalog catalog;

	// token endpoint

	@Test
	void whenTheRuleSeesCancelThenTheTokenEndpointGrantsItToTheOwnerOnly() {
		requestToken(Map.of("channel", "jobs:alice", "cancel", true)).expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.cancel")
			.isEqualTo(true);
		requestToken(Map.of("channel", "jobs:bob", "cancel", true)).expectStatus()
			.isForbidden()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON);
		requestToken(Map.of("channel", "jobs:bob")).expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.cancel")
			.isEqualTo(false);
	}

	@Test
	void whenCancelIsNotABooleanThenTheTokenEndpointAnswersBadRequest() {
		requestToken(Map.of("channel", "jobs:alice", "cancel", "yes")).expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.detail")
			.isEqualTo("Field 'cancel' must be true or false");
	}

	// HTTP

	@Test
	void whenTokenGrantsCancelThenHttpCancelInterruptsABlockingRunWhichEndsCancelled() throws Exception {
		Channel channel = this.catalog.resolve("jobs:alice");
		String token = tokenFromEndpoint(channel, true);
		CountDownLatch started = new CountDownLatch(1);
		CountDownLatch interrupted = new CountDownLatch(1);
		try (SseTestClient sse = SseTestClient.connect(this.port, "/realtime/sse?history=none", token, null)) {
			sse.next("subscribed");
			RunHandle<String> handle = this.runs.start(channel, RunOptions.defaults().withRunId("http-blocking"),
					(run) -> {
						started.countDown();
						try {
							Thread.sleep(WAIT.toMillis() * 3);
						}
						catch (InterruptedException ex) {
							interrupted.countDown();
							throw ex;
						}
						return "not reached";
					});
			assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
			assertThat(runStatus(sse, "http-blocking")).isEqualTo("running");
			cancel(token, "http-blocking").expectStatus()
				.isAccepted()
				.expectBody()
				.json("{\"runId\":\"http-blocking\",\"outcome\":\"cancelled\"}", true);
			assertThat(interrupted.await(10, TimeUnit.SECONDS)).isTrue();
			assertThatExceptionOfType(CancellationException.class).isThrownBy(() -> handle.await(WAIT));
			assertThat(runStatus(sse, "http-blocking")).isEqualTo("cancelled");
		}
		Awaitility.await()
			.atMost(WAIT)
			.untilAsserted(() -> cancel(token, "http-blocking").expectStatus()
				.isEqualTo(409)
				.expectHeader()
				.contentType(MediaType.APPLICATION_PROBLEM_JSON)
				.expectBody()
				.jsonPath("$.detail")
				.isEqualTo("Run 'http-blocking' has already ended"));
	}

	@Test
	void whenTokenGrantsCancelThenHttpCancelDisposesTheFluxARunConsumes() throws Exception {
		Channel channel = this.catalog.resolve("jobs:alice");
		String token = tokenFromEndpoint(channel, true);
		AtomicInteger received = new AtomicInteger();
		CountDownLatch disposed = new CountDownLatch(1);
		Flux<Long> upstream = Flux.interval(Duration.ofMillis(5)).doOnCancel(disposed::countDown);
		RunHandle<String> handle = this.runs.start(channel, RunOptions.defaults().withRunId("http-flux"), (run) -> {
			run.consume(upstream, (tick) -> received.incrementAndGet());
			return "not reached";
		});
		Awaitility.await().atMost(WAIT).until(() -> received.get() > 3);
		cancel(token, "http-flux").expectStatus()
			.isAccepted()
			.expectBody()
			.jsonPath("$.outcome")
			.isEqualTo("cancelled");
		assertThat(disposed.await(10, TimeUnit.SECONDS)).isTrue();
		assertThatExceptionOfType(CancellationException.class).isThrownBy(() -> handle.await(WAIT));
	}

	@Test
	void whenTokenDoesNotGrantCancelThenHttpCancelIsForbiddenAndTheRunGoesOn() throws Exception {
		Channel channel = this.catalog.resolve("jobs:alice");
		CountDownLatch release = new CountDownLatch(1);
		RunHandle<String> handle = this.runs.start(channel, RunOptions.defaults().withRunId("http-no-grant"), (run) -> {
			release.await();
			return "done";
		});
		cancel(tokenFromEndpoint(channel, false), "http-no-grant").expectStatus()
			.isForbidden()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.detail")
			.isEqualTo("Token does not grant cancelling runs of channel 'jobs:alice'");
		// a token names one channel: one for another channel does not find the run
		cancel(tokenFromEndpoint(this.catalog.resolve("jobs:bob"), false), "http-no-grant").expectStatus()
			.isForbidden();
		String bobsChannel = this.tokens.mint(TokenRequest.read("jobs:bob").withCancel(true)).token();
		cancel(bobsChannel, "http-no-grant").expectStatus().isNotFound();
		assertThat(handle.status().isTerminal()).isFalse();
		release.countDown();
		assertThat(handle.await(WAIT)).isEqualTo("done");
	}

	@Test
	void whenRunIsUnknownOrItsIdMalformedOrTheTokenMissingThenTheCancelIsAProblem() {
		String token = this.tokens.mint(TokenRequest.read("jobs:alice").withCancel(true)).token();
		cancel(token, "never-started").expectStatus()
			.isNotFound()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.detail")
			.isEqualTo("No run 'never-started' is known on channel 'jobs:alice'");
		cancel(token, "bad id").expectStatus()
			.isBadRequest()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.detail")
			.value((detail) -> assertThat((String) detail).startsWith("Malformed run id"));
		this.client.post()
			.uri("/realtime/runs/never-started/cancel")
			.exchange()
			.expectStatus()
			.isUnauthorized()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON);
		// the token comes in the header only
		this.client.post()
			.uri("/realtime/runs/never-started/cancel?token=" + token)
			.exchange()
			.expectStatus()
			.isUnauthorized();
		cancel(token + "x", "never-started").expectStatus().isUnauthorized();
	}

	// WebSocket

	@Test
	void whenCancelFrameIsSentThenTheBlockingRunEndsCancelledAndTheFrameIsAnswered() throws Exception {
		Channel channel = this.catalog.resolve("jobs:alice");
		CountDownLatch started = new CountDownLatch(1);
		RunHandle<String> handle = this.runs.start(channel, RunOptions.defaults().withRunId("ws-blocking"), (run) -> {
			started.countDown();
			Thread.sleep(WAIT.toMillis() * 3);
			return "not reached";
		});
		assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
		try (WebSocketTestClient ws = WebSocketTestClient.connect(this.port, null)) {
			subscribe(ws, tokenFromEndpoint(channel, true));
			ws.send("{\"type\":\"cancel\",\"channel\":\"jobs:alice\",\"runId\":\"ws-blocking\",\"ref\":\"c1\"}");
			List<JsonNode> frames = List.of(ws.next(), ws.next());
			assertThat(frames).anySatisfy((frame) -> assertThat(frame.toString()).isEqualTo(
					"{\"type\":\"cancelled\",\"runId\":\"ws-blocking\",\"outcome\":\"cancelled\",\"ref\":\"c1\"}"));
			assertThat(frames).anySatisfy((frame) -> {
				assertThat(frame.path("message").path("topic").asString()).isEqualTo("$run");
				assertThat(frame.path("message").path("data").path("status").asString()).isEqualTo("cancelled");
			});
			assertThatExceptionOfType(CancellationException.class).isThrownBy(() -> handle.await(WAIT));
			Awaitility.await().atMost(WAIT).untilAsserted(() -> {
				ws.send("{\"type\":\"cancel\",\"channel\":\"jobs:alice\",\"runId\":\"ws-blocking\",\"ref\":\"c2\"}");
				JsonNode ended = ws.next();
				assertThat(ended.path("code").asString()).isEqualTo("run_ended");
				assertThat(ended.path("ref").asString()).isEqualTo("c2");
			});
			ws.send("{\"type\":\"cancel\",\"channel\":\"jobs:alice\",\"runId\":\"never-started\"}");
			assertThat(ws.next().path("code").asString()).isEqualTo("unknown_run");
		}
	}

	@Test
	void whenCancelFrameIsSentThenTheFluxTheRunConsumesIsDisposed() throws Exception {
		Channel channel = this.catalog.resolve("jobs:alice");
		AtomicInteger received = new AtomicInteger();
		CountDownLatch disposed = new CountDownLatch(1);
		Flux<Long> upstream = Flux.interval(Duration.ofMillis(5)).doOnCancel(disposed::countDown);
		RunHandle<String> handle = this.runs.start(channel, RunOptions.defaults().withRunId("ws-flux"), (run) -> {
			run.consume(upstream, (tick) -> received.incrementAndGet());
			return "not reached";
		});
		Awaitility.await().atMost(WAIT).until(() -> received.get() > 3);
		try (WebSocketTestClient ws = WebSocketTestClient.connect(this.port, null)) {
			subscribe(ws,
					this.tokens.mint(new TokenRequest("jobs:alice", Set.of(), Set.of(), true, null, null)).token());
			ws.send("{\"type\":\"cancel\",\"channel\":\"jobs:alice\",\"runId\":\"ws-flux\",\"ref\":\"f1\"}");
			assertThat(nextOfType(ws, "cancelled").path("ref").asString()).isEqualTo("f1");
			assertThat(disposed.await(10, TimeUnit.SECONDS)).isTrue();
			assertThatExceptionOfType(CancellationException.class).isThrownBy(() -> handle.await(WAIT));
		}
	}

	@Test
	void whenCancelFrameLacksTheGrantOrASubscriptionOrAFieldThenAnErrorFrameSaysWhy() throws Exception {
		Channel channel = this.catalog.resolve("jobs:alice");
		CountDownLatch release = new CountDownLatch(1);
		RunHandle<String> handle = this.runs.start(channel, RunOptions.defaults().withRunId("ws-no-grant"), (run) -> {
			release.await();
			return "done";
		});
		try (WebSocketTestClient ws = WebSocketTestClient.connect(this.port, null)) {
			ws.send("{\"type\":\"cancel\",\"channel\":\"jobs:alice\",\"runId\":\"ws-no-grant\",\"ref\":\"n0\"}");
			JsonNode unsubscribed = ws.next();
			assertThat(unsubscribed.path("code").asString()).isEqualTo("forbidden");
			assertThat(unsubscribed.path("message").asString()).contains("granting cancel");
			assertThat(unsubscribed.path("ref").asString()).isEqualTo("n0");
			subscribe(ws, tokenFromEndpoint(channel, false));
			ws.send("{\"type\":\"cancel\",\"channel\":\"jobs:alice\",\"runId\":\"ws-no-grant\",\"ref\":\"n1\"}");
			JsonNode forbidden = nextOfType(ws, "error");
			assertThat(forbidden.path("code").asString()).isEqualTo("forbidden");
			assertThat(forbidden.path("ref").asString()).isEqualTo("n1");
			ws.send("{\"type\":\"cancel\",\"channel\":\"jobs:alice\",\"ref\":\"n2\"}");
			JsonNode missing = nextOfType(ws, "error");
			assertThat(missing.path("code").asString()).isEqualTo("bad_request");
			assertThat(missing.path("message").asString()).isEqualTo("Field 'runId' must be a non-empty string");
			ws.send("{\"type\":\"cancel\",\"channel\":\"jobs:alice\",\"runId\":42}");
			assertThat(nextOfType(ws, "error").path("code").asString()).isEqualTo("bad_request");
			ws.send("{\"type\":\"ping\"}");
			assertThat(nextOfType(ws, "pong")).isNotNull();
		}
		assertThat(handle.status().isTerminal()).isFalse();
		release.countDown();
		assertThat(handle.await(WAIT)).isEqualTo("done");
	}

	@Test
	void whenCancelFrameNamesAMalformedRunIdThenBadRequest() throws Exception {
		try (WebSocketTestClient ws = WebSocketTestClient.connect(this.port, null)) {
			subscribe(ws, this.tokens.mint(TokenRequest.read("jobs:alice").withCancel(true)).token());
			ws.send("{\"type\":\"cancel\",\"channel\":\"jobs:alice\",\"runId\":\"a:b\"}");
			JsonNode error = nextOfType(ws, "error");
			assertThat(error.path("code").asString()).isEqualTo("bad_request");
			assertThat(error.path("message").asString()).startsWith("Malformed run id");
		}
	}

	private void subscribe(WebSocketTestClient ws, String token) throws InterruptedException {
		ws.send("{\"type\":\"subscribe\",\"token\":\"" + token + "\",\"history\":\"none\"}");
		assertThat(ws.next().path("type").asString()).isEqualTo("subscribed");
	}

	// skips the lifecycle messages of runs on the channel
	private static JsonNode nextOfType(WebSocketTestClient ws, String type) throws InterruptedException {
		JsonNode frame;
		do {
			frame = ws.next();
		}
		while (frame.path("type").asString().equals("message"));
		assertThat(frame.path("type").asString()).as("frame %s", frame).isEqualTo(type);
		return frame;
	}

	// the next lifecycle status of the run, after those of the channel's other runs
	static String runStatus(SseTestClient sse, String runId) throws InterruptedException {
		JsonNode envelope;
		do {
			envelope = json.readTree(sse.next("message").data());
		}
		while (!envelope.path("runId").asString().equals(runId));
		assertThat(envelope.path("kind").asString()).isEqualTo("run");
		return envelope.path("data").path("status").asString();
	}

	private String tokenFromEndpoint(Channel channel, boolean cancel) {
		byte[] body = requestToken(Map.of("channel", channel.name(), "cancel", cancel)).expectStatus()
			.isOk()
			.expectBody()
			.returnResult()
			.getResponseBody();
		assertThat(body).isNotNull();
		return json.readTree(body).path("token").asString();
	}

	private WebTestClient.ResponseSpec requestToken(Map<String, Object> body) {
		return this.client.post()
			.uri("/realtime/token")
			.headers((headers) -> headers.setBasicAuth("alice", "alice"))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(body)
			.exchange();
	}

	private WebTestClient.ResponseSpec cancel(String token, String runId) {
		return cancel(this.client, token, runId);
	}

	static WebTestClient.ResponseSpec cancel(WebTestClient client, String token, String runId) {
		return client.post()
			.uri("/realtime/runs/{runId}/cancel", runId)
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
			.exchange();
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class TestApplication {

		@Bean
		ChannelCatalog channelCatalog() {
			return DefaultChannelCatalog.of(TestJobs.class);
		}

		@Bean
		SecurityWebFilterChain applicationSecurity(ServerHttpSecurity http) {
			return http.authorizeExchange((exchanges) -> exchanges.anyExchange().authenticated())
				.httpBasic(Customizer.withDefaults())
				.csrf(ServerHttpSecurity.CsrfSpec::disable)
				.build();
		}

	}

}
