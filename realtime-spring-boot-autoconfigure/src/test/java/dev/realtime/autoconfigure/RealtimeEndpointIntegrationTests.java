package dev.realtime.autoconfigure;

import dev.realtime.ChannelCatalog;
import dev.realtime.catalog.DefaultChannelCatalog;
import dev.realtime.token.RealtimeTokens;
import dev.realtime.token.TokenRequest;
import org.junit.jupiter.api.Test;
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
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the {@code realtime} Actuator endpoint over HTTP, with real streams open.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "management.endpoints.web.exposure.include=realtime", "realtime.actuator.show-channels=true" })
@AutoConfigureWebTestClient
class RealtimeEndpointIntegrationTests {

	private static final JsonMapper json = JsonMapper.builder().build();

	@LocalServerPort
	private int port;

	@Autowired
	private WebTestClient client;

	@Autowired
	private RealtimeTokens tokens;

	@Test
	void whenStreamsAreOpenThenTheEndpointDescribesTheNodeAndItsBusiestChannels() throws Exception {
		String busy = "pipeline:open-endpoint-busy";
		String quiet = "pipeline:open-endpoint-quiet";
		try (SseTestClient first = sse(busy); SseTestClient second = sse(busy); SseTestClient third = sse(quiet)) {
			for (SseTestClient stream : new SseTestClient[] { first, second, third }) {
				stream.next("subscribed");
			}
			JsonNode node = json.readTree(this.client.get()
				.uri("/actuator/realtime")
				.exchange()
				.expectStatus()
				.isOk()
				.expectBody(String.class)
				.returnResult()
				.getResponseBody());
			assertThat(node.path("engine").asString()).isEqualTo("memory");
			assertThat(node.path("engineUp").asBoolean()).isTrue();
			assertThat(node.path("connections").path("sse").asLong()).isEqualTo(3);
			assertThat(node.path("connections").path("websocket").asLong()).isZero();
			assertThat(node.path("subscriptions").asLong()).isEqualTo(3);
			assertThat(node.path("channels").asInt()).isEqualTo(2);
			assertThat(node.path("busiestChannels").get(0).path("channel").asString()).isEqualTo(busy);
			assertThat(node.path("busiestChannels").get(0).path("subscribers").asInt()).isEqualTo(2);
			assertThat(node.path("busiestChannels").get(1).path("channel").asString()).isEqualTo(quiet);
			assertThat(node.path("activeRuns").asInt()).isZero();
		}
	}

	@Test
	void whenAChannelIsClosedThenItsStreamsEndAsForbiddenAndOthersStay() throws Exception {
		String closed = "pipeline:open-endpoint-closed";
		String other = "pipeline:open-endpoint-other";
		try (SseTestClient stream = sse(closed);
				SseTestClient untouched = sse(other);
				WebSocketTestClient ws = WebSocketTestClient.connect(this.port, null)) {
			stream.next("subscribed");
			untouched.next("subscribed");
			String token = this.tokens.mint(TokenRequest.read(closed)).token();
			ws.send("{\"type\":\"subscribe\",\"token\":\"" + token + "\",\"history\":\"none\"}");
			assertThat(ws.next().path("type").asString()).isEqualTo("subscribed");
			this.client.delete()
				.uri("/actuator/realtime/{channel}", closed)
				.exchange()
				.expectStatus()
				.isOk()
				.expectBody()
				.jsonPath("$.channel")
				.isEqualTo(closed)
				.jsonPath("$.closedSubscriptions")
				.isEqualTo(2);
			SseTestClient.Event error = stream.next("error");
			assertThat(json.readTree(error.data()).path("code").asString()).isEqualTo("forbidden");
			assertThat(ws.closeStatus().getCode()).isEqualTo(4403);
			assertThat(untouched.isCompleted()).isFalse();
		}
	}

	private SseTestClient sse(String channel) {
		String token = this.tokens.mint(TokenRequest.read(channel)).token();
		return SseTestClient.connect(this.port, "/realtime/sse?history=none", token, null);
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class TestApplication {

		@Bean
		ChannelCatalog channelCatalog() {
			return DefaultChannelCatalog.of(TestPipeline.class);
		}

		@Bean
		SecurityWebFilterChain applicationSecurity(ServerHttpSecurity http) {
			return http.authorizeExchange((exchanges) -> exchanges.anyExchange().permitAll())
				.csrf(ServerHttpSecurity.CsrfSpec::disable)
				.build();
		}

	}

}
