package dev.realtime.autoconfigure;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;

import dev.realtime.ChannelCatalog;
import dev.realtime.RealtimePublisher;
import dev.realtime.autoconfigure.TestPipeline.Status;
import dev.realtime.catalog.DefaultChannelCatalog;
import dev.realtime.token.RealtimeTokens;
import dev.realtime.token.StreamTicket;
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
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * End-to-end tests of stream tickets ({@code POST {base}/ticket}, then {@code GET
 * {base}/sse?ticket=…}) on a real server and real sockets, behind an application security
 * chain that keeps CSRF protection on.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "spring.security.user.name=alice", "spring.security.user.password=alice",
				"realtime.token.ticket-ttl=2s" })
@AutoConfigureWebTestClient
class RealtimeStreamTicketsIntegrationTests {

	private static final JsonMapper json = JsonMapper.builder().build();

	@LocalServerPort
	private int port;

	@Autowired
	private WebTestClient client;

	@Autowired
	private RealtimePublisher publisher;

	@Autowired
	private RealtimeTokens tokens;

	@Test
	void whenTokenIsExchangedThenTheTicketOpensAStreamWithTheTokensGrants() throws Exception {
		TestPipelineChannel channel = TestPipelineChannel.of("ticket-1");
		this.publisher.publish(channel.status(), new Status("one"));
		String token = this.tokens.mint(TokenRequest.read(channel.name(), "status")).token();
		JsonNode response = json.readTree(this.client.post()
			.uri("/realtime/ticket")
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
			.expectBody(String.class)
			.returnResult()
			.getResponseBody());
		assertThat(response.propertyNames()).containsExactlyInAnyOrder("ticket", "expiresAt");
		Instant expiresAt = Instant.parse(response.path("expiresAt").asString());
		assertThat(expiresAt).isBetween(Instant.now(), Instant.now().plusSeconds(3));
		String ticket = response.path("ticket").asString();
		assertThat(ticket).isNotEmpty().doesNotContain(token);
		try (SseTestClient sse = SseTestClient.connect(this.port, "/realtime/sse?ticket=" + ticket, null, null)) {
			assertThat(json.readTree(sse.next("subscribed").data())).isEqualTo(
					json.readTree("{\"channel\":\"pipeline:ticket-1\",\"topics\":[\"status\"],\"recovered\":null}"));
			assertThat(json.readTree(sse.next("message").data()).path("data").path("message").asString())
				.isEqualTo("one");
		}
	}

	@Test
	void whenTicketIsUsedTwiceThenTheSecondUseIsUnauthorizedBeforeTheStream() throws Exception {
		String ticket = ticket(mint("pipeline:ticket-2")).ticket();
		try (SseTestClient sse = SseTestClient.connect(this.port, "/realtime/sse?ticket=" + ticket, null, null)) {
			sse.next("subscribed");
			assertUnauthorized("/realtime/sse?ticket=" + ticket);
		}
	}

	@Test
	void whenTicketHasExpiredThenSseIsUnauthorized() throws Exception {
		String ticket = ticket(mint("pipeline:ticket-3")).ticket();
		Thread.sleep(2500);
		assertUnauthorized("/realtime/sse?ticket=" + ticket);
	}

	@Test
	void whenTicketIsUnknownThenSseIsUnauthorized() {
		assertUnauthorized("/realtime/sse?ticket=AAAAAAAAAAAAAAAAAAAAAA");
	}

	@Test
	void whenTokenExpiresBeforeTheTicketTtlThenTheTicketExpiresWithIt() {
		var token = this.tokens.mint(new TokenRequest("pipeline:ticket-4", Set.of(), Set.of(), Duration.ofSeconds(1)));
		assertThat(ticket(token.token()).expiresAt()).isBeforeOrEqualTo(token.expiresAt());
	}

	@Test
	void whenTheWrongKindOfCredentialIsGivenThenUnauthorized() {
		String token = mint("pipeline:ticket-5");
		// the ticket endpoint reads the header only, never a token in the URL
		this.client.post()
			.uri("/realtime/ticket?token=" + token)
			.exchange()
			.expectStatus()
			.isUnauthorized()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON);
		// no credential, or a session login instead of a subscription token
		this.client.post().uri("/realtime/ticket").exchange().expectStatus().isUnauthorized();
		this.client.post()
			.uri("/realtime/ticket")
			.headers((headers) -> headers.setBasicAuth("alice", "alice"))
			.exchange()
			.expectStatus()
			.isUnauthorized();
		// a token is not a ticket, and a ticket is not a token
		assertUnauthorized("/realtime/sse?ticket=" + token);
		String ticket = ticket(token).ticket();
		this.client.get()
			.uri("/realtime/sse")
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + ticket)
			.exchange()
			.expectStatus()
			.isUnauthorized();
		assertUnauthorized("/realtime/sse?token=" + ticket);
	}

	@Test
	void whenBodyIsEmptyJsonThenTheTicketIsIssued() {
		this.client.post()
			.uri("/realtime/ticket")
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + mint("pipeline:ticket-6"))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{}")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.ticket")
			.isNotEmpty();
	}

	private void assertUnauthorized(String uri) {
		this.client.get()
			.uri(uri)
			.exchange()
			.expectStatus()
			.isUnauthorized()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON);
	}

	private StreamTicket ticket(String token) {
		return this.client.post()
			.uri("/realtime/ticket")
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(StreamTicket.class)
			.returnResult()
			.getResponseBody();
	}

	private String mint(String channel) {
		return this.tokens.mint(TokenRequest.read(channel)).token();
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class TestApplication {

		@Bean
		ChannelCatalog channelCatalog() {
			return DefaultChannelCatalog.of(TestPipeline.class, TestNotes.class);
		}

		@Bean
		SecurityWebFilterChain applicationSecurity(ServerHttpSecurity http) {
			// CSRF stays on: the ticket endpoint authenticates with the bearer token only
			return http.authorizeExchange((exchanges) -> exchanges.anyExchange().authenticated())
				.httpBasic(Customizer.withDefaults())
				.build();
		}

	}

}
