package dev.realtime.autoconfigure;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import dev.realtime.ChannelCatalog;
import dev.realtime.RealtimePublisher;
import dev.realtime.Topic;
import dev.realtime.catalog.DefaultChannelCatalog;
import dev.realtime.run.RealtimeRuns;
import dev.realtime.run.RunHandle;
import dev.realtime.token.RealtimeTokens;
import dev.realtime.token.TokenRequest;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

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
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.test.web.reactive.server.StatusAssertions;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for the realtime meters after real traffic over real sockets: SSE and WebSocket
 * connections, server and client publishes, tokens minted and refused, resumes.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient
class RealtimeMetersIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	@LocalServerPort
	private int port;

	@Autowired
	private WebTestClient client;

	@Autowired
	private RealtimeTokens tokens;

	@Autowired
	private RealtimePublisher publisher;

	@Autowired
	private MeterRegistry registry;

	@Autowired
	private RealtimeRuns runs;

	@Test
	void whenStreamsOpenAndCloseThenConnectionsSubscriptionsAndDeliveriesAreCounted() throws Exception {
		TestPipelineChannel channel = TestPipelineChannel.of("open-meters-streams");
		String token = this.tokens.mint(TokenRequest.read(channel.name())).token();
		double deliveries = counter("realtime.deliveries", Map.of());
		try (SseTestClient sse = SseTestClient.connect(this.port, "/realtime/sse?history=none", token, null);
				WebSocketTestClient ws = WebSocketTestClient.connect(this.port, null)) {
			sse.next("subscribed");
			ws.send("{\"type\":\"subscribe\",\"token\":\"" + token + "\",\"history\":\"none\"}");
			assertThat(ws.next().path("type").asString()).isEqualTo("subscribed");
			assertThat(gauge("realtime.connections", Map.of("transport", "sse"))).isOne();
			assertThat(gauge("realtime.connections", Map.of("transport", "websocket"))).isOne();
			assertThat(gauge("realtime.subscriptions", Map.of("transport", "sse"))).isOne();
			assertThat(gauge("realtime.subscriptions", Map.of("transport", "websocket"))).isOne();
			assertThat(gauge("realtime.subscriptions", Map.of("transport", "java"))).isZero();
			assertThat(gauge("realtime.channels", Map.of())).isOne();
			this.publisher.publish(channel.status(), new TestPipeline.Status("one"));
			sse.next("message");
			assertThat(ws.next().path("type").asString()).isEqualTo("message");
			assertThat(counter("realtime.deliveries", Map.of()) - deliveries).isEqualTo(2);
			assertThat(counter("realtime.publishes", Map.of("source", "server", "outcome", "ok"))).isPositive();
			FunctionTimer latency = this.registry.get("realtime.publish.latency")
				.tag("source", "server")
				.functionTimer();
			assertThat(latency.count()).isPositive();
		}
		await().atMost(TIMEOUT).untilAsserted(() -> {
			assertThat(gauge("realtime.connections", Map.of("transport", "sse"))).isZero();
			assertThat(gauge("realtime.connections", Map.of("transport", "websocket"))).isZero();
			assertThat(gauge("realtime.subscriptions", Map.of("transport", "sse"))).isZero();
			assertThat(gauge("realtime.subscriptions", Map.of("transport", "websocket"))).isZero();
			assertThat(counter("realtime.connections.closed", Map.of("transport", "sse", "reason", "client"))).isOne();
			assertThat(counter("realtime.connections.closed", Map.of("transport", "websocket", "reason", "client")))
				.isOne();
		});
		assertThat(counter("realtime.connections.opened", Map.of("transport", "sse"))).isOne();
		assertThat(counter("realtime.connections.opened", Map.of("transport", "websocket"))).isOne();
	}

	@Test
	void whenABrowserPublishesThenItsPublishesAreCountedByOutcome() {
		TestPipelineChannel channel = TestPipelineChannel.of("open-meters-client");
		String token = this.tokens.mint(new TokenRequest(channel.name(), Set.of("approval"), Set.of("approval"), null))
			.token();
		publish(token, channel.name(), "{\"approved\":true}").isAccepted();
		publish(token, channel.name(), "\"not an approval\"").isBadRequest();
		assertThat(counter("realtime.publishes", Map.of("source", "client", "outcome", "ok"))).isOne();
		assertThat(counter("realtime.publishes", Map.of("source", "client", "outcome", "invalid"))).isOne();
	}

	@Test
	void whenTokensAreRequestedThenMintsAndDenialsAreCounted() {
		double minted = counter("realtime.tokens.minted", Map.of());
		double forbidden = counter("realtime.tokens.denied", Map.of("reason", "unauthenticated"));
		double invalid = counter("realtime.tokens.denied", Map.of("reason", "invalid"));
		token(Map.of("channel", "pipeline:open-meters-token")).isOk();
		token(Map.of("channel", "pipeline:closed-meters-token")).isUnauthorized();
		token(Map.of("channel", "nope:1")).isBadRequest();
		assertThat(counter("realtime.tokens.minted", Map.of()) - minted).isOne();
		assertThat(counter("realtime.tokens.denied", Map.of("reason", "unauthenticated")) - forbidden).isOne();
		assertThat(counter("realtime.tokens.denied", Map.of("reason", "invalid")) - invalid).isOne();
	}

	@Test
	void whenTokensOrTicketsDoNotVerifyThenTheyAreCountedByReason() throws Exception {
		double invalid = counter("realtime.tokens.rejected", Map.of("reason", "invalid"));
		double ticket = counter("realtime.tokens.rejected", Map.of("reason", "ticket"));
		String token = this.tokens.mint(TokenRequest.read("pipeline:open-meters-rejected")).token();
		this.client.get()
			.uri("/realtime/sse")
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + token.substring(0, token.length() - 2) + "xx")
			.exchange()
			.expectStatus()
			.isUnauthorized();
		this.client.get().uri("/realtime/sse?ticket=AAAAAAAAAAAAAAAAAAAAAA").exchange().expectStatus().isUnauthorized();
		try (WebSocketTestClient ws = WebSocketTestClient.connect(this.port, null)) {
			ws.send("{\"type\":\"subscribe\",\"token\":\"not-a-token\"}");
			assertThat(ws.closeStatus().getCode()).isEqualTo(4401);
		}
		assertThat(counter("realtime.tokens.rejected", Map.of("reason", "invalid")) - invalid).isEqualTo(2);
		assertThat(counter("realtime.tokens.rejected", Map.of("reason", "ticket")) - ticket).isOne();
		assertThat(counter("realtime.tokens.rejected", Map.of("reason", "expired"))).isZero();
	}

	@Test
	void whenSubscribersResumeThenTheirReplaysAreCountedByWhatTheyRecovered() throws Exception {
		TestPipelineChannel channel = TestPipelineChannel.of("open-meters-resume");
		String token = this.tokens.mint(TokenRequest.read(channel.name())).token();
		String first = this.publisher.publish(channel.status(), new TestPipeline.Status("one")).id();
		this.publisher.publish(channel.status(), new TestPipeline.Status("two"));
		double recovered = counter("realtime.resumes", Map.of("recovered", "true"));
		double notRecovered = counter("realtime.resumes", Map.of("recovered", "false"));
		double replayed = counter("realtime.messages.replayed", Map.of());
		try (SseTestClient resumed = SseTestClient.connect(this.port, "/realtime/sse", token, first);
				SseTestClient lost = SseTestClient.connect(this.port, "/realtime/sse", token, "1-elsewhere")) {
			resumed.next("subscribed");
			lost.next("subscribed");
		}
		assertThat(counter("realtime.resumes", Map.of("recovered", "true")) - recovered).isOne();
		assertThat(counter("realtime.resumes", Map.of("recovered", "false")) - notRecovered).isOne();
		// one after the first id, and both for the resume that is not recovered
		assertThat(counter("realtime.messages.replayed", Map.of()) - replayed).isEqualTo(3);
	}

	@Test
	void whenRunsExecuteThenTheirEventsAndReplyWaitsAreCounted() throws Exception {
		TestPipelineChannel channel = TestPipelineChannel.of("open-meters-runs");
		Topic<TestPipeline.Approval> approval = channel.channel().topic("approval", TestPipeline.Approval.class);
		double started = counter("realtime.runs", Map.of("event", "started"));
		double completed = counter("realtime.runs", Map.of("event", "completed"));
		RunHandle<Boolean> waiting = this.runs.start(channel.channel(),
				(run) -> run.awaitReply(approval, Duration.ofSeconds(10)).approved());
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(gauge("realtime.runs.reply.waits", Map.of())).isOne());
		assertThat(gauge("realtime.runs.active", Map.of())).isOne();
		this.publisher.publish(approval, new TestPipeline.Approval(true));
		assertThat(waiting.await(TIMEOUT)).isTrue();
		await().atMost(TIMEOUT).untilAsserted(() -> {
			assertThat(gauge("realtime.runs.reply.waits", Map.of())).isZero();
			assertThat(gauge("realtime.runs.active", Map.of())).isZero();
		});
		assertThat(counter("realtime.runs", Map.of("event", "started")) - started).isOne();
		assertThat(counter("realtime.runs", Map.of("event", "completed")) - completed).isOne();
		assertThat(counter("realtime.publishes", Map.of("source", "run", "outcome", "ok"))).isPositive();
	}

	private StatusAssertions publish(String token, String channel, String data) {
		return this.client.post()
			.uri("/realtime/publish")
			.headers((headers) -> headers.setBearerAuth(token))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"channel\":\"" + channel + "\",\"topic\":\"approval\",\"data\":" + data + "}")
			.exchange()
			.expectStatus();
	}

	private StatusAssertions token(Map<String, String> body) {
		return this.client.post()
			.uri("/realtime/token")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(body)
			.exchange()
			.expectStatus();
	}

	private double gauge(String name, Map<String, String> tags) {
		return this.registry.get(name).tags(tags(tags)).gauge().value();
	}

	private double counter(String name, Map<String, String> tags) {
		return this.registry.get(name).tags(tags(tags)).functionCounter().count();
	}

	private static String[] tags(Map<String, String> tags) {
		return tags.entrySet()
			.stream()
			.flatMap((tag) -> Stream.of(tag.getKey(), tag.getValue()))
			.toArray(String[]::new);
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class TestApplication {

		@Bean
		ChannelCatalog channelCatalog() {
			return DefaultChannelCatalog.of(TestPipeline.class);
		}

		@Bean
		SimpleMeterRegistry meterRegistry() {
			return new SimpleMeterRegistry();
		}

		@Bean
		SecurityWebFilterChain applicationSecurity(ServerHttpSecurity http) {
			return http.authorizeExchange((exchanges) -> exchanges.anyExchange().permitAll())
				.csrf(ServerHttpSecurity.CsrfSpec::disable)
				.build();
		}

	}

}
