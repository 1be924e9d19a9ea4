package dev.realtime.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.realtime.ChannelCatalog;
import dev.realtime.catalog.DefaultChannelCatalog;
import dev.realtime.token.RealtimeTokens;
import dev.realtime.token.TokenRequest;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
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
import org.springframework.security.core.userdetails.MapReactiveUserDetailsService;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for the caps on streams per token and connections per principal, over real
 * sockets: a refusal says which cap, and a stream that ends gives its place back.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "realtime.limits.streams-per-token=2", "realtime.limits.connections-per-principal=3" })
@AutoConfigureWebTestClient
class RealtimeConnectionLimitsTests {

	private static final JsonMapper json = JsonMapper.builder().build();

	@LocalServerPort
	private int port;

	@Autowired
	private WebTestClient client;

	@Autowired
	private RealtimeTokens tokens;

	@Test
	void whenStreamsOfOneTokenReachTheCapThenTheNextSseStreamIs429UntilOneEnds() throws Exception {
		String token = this.tokens.mint(TokenRequest.read("pipeline:open-cap-sse")).token();
		String other = this.tokens.mint(TokenRequest.read("pipeline:open-cap-sse")).token();
		try (SseTestClient first = sse(token);
				SseTestClient second = sse(token);
				SseTestClient third = sse(other);
				SseTestClient fourth = sse(other)) {
			for (SseTestClient stream : List.of(first, second, third, fourth)) {
				// four streams: a token without a subject has no per-principal cap
				stream.next("subscribed");
			}
			Answer refused = open(token);
			assertThat(refused.status()).isEqualTo(429);
			assertThat(refused.contentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
			assertThat(json.readTree(refused.body()).path("detail").asString())
				.isEqualTo("At most 2 streams per token (realtime.limits.streams-per-token)");
			second.close();
			await().atMost(Duration.ofSeconds(5)).until(() -> open(token).status() == 200);
		}
	}

	@Test
	void whenStreamsOfOneTokenReachTheCapThenAWebSocketSubscriptionIsRefusedUntilOneEnds() throws Exception {
		String channel = "pipeline:open-cap-ws";
		String token = this.tokens.mint(TokenRequest.read(channel)).token();
		try (SseTestClient sse = sse(token);
				WebSocketTestClient first = WebSocketTestClient.connect(this.port, null);
				WebSocketTestClient second = WebSocketTestClient.connect(this.port, null)) {
			sse.next("subscribed");
			first.send(subscribe(token));
			assertThat(first.next().path("type").asString()).isEqualTo("subscribed");
			second.send(subscribe(token));
			JsonNode refused = second.next();
			assertThat(refused.path("type").asString()).isEqualTo("error");
			assertThat(refused.path("code").asString()).isEqualTo("too_many_streams");
			assertThat(refused.path("message").asString())
				.isEqualTo("At most 2 streams per token (realtime.limits.streams-per-token)");
			second.send("{\"type\":\"ping\"}");
			assertThat(second.next().path("type").asString()).isEqualTo("pong");
			// an unsubscribe gives the place back
			first.send("{\"type\":\"unsubscribe\",\"channel\":\"" + channel + "\"}");
			subscribeOnceAllowed(second, token, "too_many_streams");
			// and so does a stream that ends
			sse.close();
			subscribeOnceAllowed(first, token, "too_many_streams");
		}
	}

	@Test
	void whenConnectionsOfOnePrincipalReachTheCapThenTheNextIsRefusedUntilOneEnds() throws Exception {
		List<String> tokens = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			tokens.add(mintAs("bob", "pipeline:open-cap-bob-" + i));
		}
		// the token endpoint names the caller; a token minted without a subject names no
		// one
		assertThat(this.tokens.verify(tokens.get(0)).subject()).isEqualTo("bob");
		assertThat(this.tokens.verify(this.tokens.mint(TokenRequest.read("pipeline:open-cap-none")).token()).subject())
			.isNull();
		try (SseTestClient first = sse(tokens.get(0));
				SseTestClient second = sse(tokens.get(1));
				WebSocketTestClient third = WebSocketTestClient.connect(this.port, null);
				WebSocketTestClient fourth = WebSocketTestClient.connect(this.port, null)) {
			first.next("subscribed");
			second.next("subscribed");
			third.send(subscribe(tokens.get(2)));
			assertThat(third.next().path("type").asString()).isEqualTo("subscribed");
			Answer refused = open(tokens.get(3));
			assertThat(refused.status()).isEqualTo(429);
			assertThat(json.readTree(refused.body()).path("detail").asString())
				.isEqualTo("At most 3 connections per user (realtime.limits.connections-per-principal)");
			fourth.send(subscribe(tokens.get(3)));
			JsonNode frame = fourth.next();
			assertThat(frame.path("code").asString()).isEqualTo("too_many_connections");
			assertThat(frame.path("message").asString())
				.isEqualTo("At most 3 connections per user (realtime.limits.connections-per-principal)");
			// a connection of the user takes more of the user's subscriptions
			third.send(subscribe(tokens.get(3)));
			assertThat(third.next().path("type").asString()).isEqualTo("subscribed");
			first.close();
			subscribeOnceAllowed(fourth, tokens.get(0), "too_many_connections");
		}
	}

	private void subscribeOnceAllowed(WebSocketTestClient ws, String token, String refusal) throws Exception {
		long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
		while (true) {
			ws.send(subscribe(token));
			JsonNode frame = ws.next();
			if (frame.path("type").asString().equals("subscribed")) {
				return;
			}
			assertThat(frame.path("code").asString()).isEqualTo(refusal);
			assertThat(System.nanoTime()).as("allowed within 5 seconds").isLessThan(deadline);
			Thread.sleep(50);
		}
	}

	private String mintAs(String user, String channel) {
		return this.client.post()
			.uri("/realtime/token")
			.headers((headers) -> headers.setBasicAuth(user, user))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("channel", channel))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(JsonNode.class)
			.returnResult()
			.getResponseBody()
			.path("token")
			.asString();
	}

	private SseTestClient sse(String token) {
		return SseTestClient.connect(this.port, "/realtime/sse?history=none", token, null);
	}

	/**
	 * Open a stream and close it as soon as it answered.
	 */
	private Answer open(String token) {
		return HttpClient.create()
			.headers((headers) -> headers.add(HttpHeaders.AUTHORIZATION, "Bearer " + token))
			.get()
			.uri("http://127.0.0.1:" + this.port + "/realtime/sse?history=none")
			.responseConnection((response, connection) -> {
				String contentType = response.responseHeaders().get(HttpHeaders.CONTENT_TYPE);
				if (response.status().code() == 200) {
					connection.dispose();
					return Mono.just(new Answer(200, contentType, ""));
				}
				return connection.inbound()
					.receive()
					.aggregate()
					.asString()
					.defaultIfEmpty("")
					.map((body) -> new Answer(response.status().code(), contentType, body));
			})
			.next()
			.block(Duration.ofSeconds(10));
	}

	private static String subscribe(String token) {
		return "{\"type\":\"subscribe\",\"token\":\"" + token + "\",\"history\":\"none\"}";
	}

	record Answer(int status, @Nullable String contentType, String body) {
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class TestApplication {

		@Bean
		ChannelCatalog channelCatalog() {
			return DefaultChannelCatalog.of(TestPipeline.class);
		}

		@Bean
		MapReactiveUserDetailsService users() {
			return new MapReactiveUserDetailsService(
					User.withUsername("alice").password("{noop}alice").roles("USER").build(),
					User.withUsername("bob").password("{noop}bob").roles("USER").build());
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
