package dev.realtime.sample;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import dev.realtime.ChannelCatalog;
import dev.realtime.run.RealtimeRuns;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.FluxExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests of the sample application over HTTP: runs, tokens for their channels, and the
 * generated TypeScript declarations.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class SampleApplicationTests {

	private WebTestClient client;

	// bound to the server itself, so that requests go through its security filters and
	// sockets
	@BeforeEach
	void bindClient(@LocalServerPort int port) {
		this.client = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port).build();
	}

	@Test
	void whenApplicationStartsThenPipelineChannelIsInCatalog(@Autowired ChannelCatalog catalog) {
		assertThat(catalog.resolve("pipeline:run-1").definition().type()).isEqualTo(ContentPipeline.class);
	}

	@Test
	void whenHealthIsRequestedThenItShowsTheRealtimeComponentUpAndItsDetailsOnlyToSignedInUsers() {
		this.client.get()
			.uri("/actuator/health")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.components.realtime.status")
			.isEqualTo("UP")
			.jsonPath("$.components.realtime.details")
			.doesNotExist()
			.jsonPath("$.components.redis")
			.doesNotExist();
		this.client.get()
			.uri("/actuator/health")
			.headers((headers) -> headers.setBasicAuth("alice", "alice"))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.components.realtime.details.engine")
			.isEqualTo("memory");
	}

	@Test
	void whenAliceStartsRunThenSheGetsTokenForItsChannel() {
		String channel = startRun("alice");
		requestToken("alice", channel).expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.channel")
			.isEqualTo(channel)
			.jsonPath("$.topics")
			.isEqualTo(List.of("status", "tokens"))
			.jsonPath("$.token")
			.isNotEmpty()
			.jsonPath("$.expiresAt")
			.isNotEmpty();
	}

	@Test
	void whenBobAsksForAlicesRunThenHeMayWatchItButNotReply() {
		String channel = startRun("alice");
		requestToken("bob", channel).expectStatus().isOk();
		this.client.post()
			.uri("/realtime/token")
			.headers((headers) -> headers.setBasicAuth("bob", "bob"))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("channel", channel, "publish", List.of("approval")))
			.exchange()
			.expectStatus()
			.isForbidden()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON);
	}

	@Test
	void whenAliceCancelsHerRunWithATokenGrantingCancelThenItIsCancelledOnceAndBobGetsNoGrant(
			@Autowired RealtimeRuns runs) {
		String channel = startRun("alice", false);
		String runId = channel.substring("pipeline:".length());
		assertThat(runs.find(runId)).isNotNull();
		requestToken("bob", channel, true).expectStatus().isForbidden();
		cancel(token("alice", channel), runId).expectStatus().isForbidden();
		Map<String, Object> granted = requestToken("alice", channel, true).expectStatus()
			.isOk()
			.expectBody(new ParameterizedTypeReference<Map<String, Object>>() {
			})
			.returnResult()
			.getResponseBody();
		assertThat(granted).containsEntry("cancel", true);
		String token = (String) granted.get("token");
		cancel(token, runId).expectStatus().isAccepted().expectBody().jsonPath("$.outcome").isEqualTo("cancelled");
		Awaitility.await()
			.atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> cancel(token, runId).expectStatus().isEqualTo(HttpStatus.CONFLICT));
	}

	@Test
	void whenTokenHasOneChangedCharacterThenStreamAnswersUnauthorized() {
		String token = token("alice", startRun("alice"));
		// the unchanged token opens the stream, so that the 401 below is the changed
		// character's doing
		FluxExchangeResult<String> stream = openStream(token).expectStatus().isOk().returnResult(String.class);
		StepVerifier.create(stream.getResponseBody())
			.expectNextMatches((data) -> data.contains("\"channel\""))
			.thenCancel()
			.verify(Duration.ofSeconds(5));
		openStream(changeOneCharacterOfSignature(token)).expectStatus().isUnauthorized();
	}

	@Test
	void whenPrometheusIsScrapedAfterARunThenItHasEveryMeterTheDashboardQueries() throws IOException {
		String token = token("alice", startRun("alice"));
		FluxExchangeResult<String> stream = openStream(token).expectStatus().isOk().returnResult(String.class);
		StepVerifier.create(stream.getResponseBody())
			.expectNextMatches((data) -> data.contains("\"channel\""))
			.thenCancel()
			.verify(Duration.ofSeconds(5));
		this.client.get().uri("/actuator/prometheus").exchange().expectStatus().isUnauthorized();
		String scrape = this.client.get()
			.uri("/actuator/prometheus")
			.headers((headers) -> headers.setBasicAuth("alice", "alice"))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
		assertThat(scrape).contains("realtime_connections_opened_total{application=\"realtime-sample\"");
		Set<String> scraped = scrape.lines()
			.filter((line) -> !line.startsWith("#") && !line.isBlank())
			.map((line) -> line.split("[{ ]", 2)[0])
			.collect(Collectors.toSet());
		String dashboard = Files.readString(Path.of("../grafana/realtime-dashboard.json"));
		// the sample runs on the memory engine: RealtimeMetersPrometheusTests checks the
		// Redis engine's meters
		Set<String> queried = Pattern.compile("realtime_[a-z_]+")
			.matcher(dashboard)
			.results()
			.map(MatchResult::group)
			.filter((name) -> !name.startsWith("realtime_redis_"))
			.collect(Collectors.toCollection(TreeSet::new));
		assertThat(queried).hasSizeGreaterThan(10);
		assertThat(scraped).containsAll(queried);
	}

	@Test
	void whenTheRealtimeEndpointIsRequestedThenItDescribesTheNodeToSignedInUsersOnly() {
		this.client.get().uri("/actuator/realtime").exchange().expectStatus().isUnauthorized();
		this.client.get()
			.uri("/actuator/realtime")
			.headers((headers) -> headers.setBasicAuth("alice", "alice"))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.engine")
			.isEqualTo("memory")
			.jsonPath("$.connections.sse")
			.exists()
			.jsonPath("$.activeRuns")
			.exists();
	}

	@Test
	void whenDeclarationsRequestedThenPipelineChannelIsTyped() {
		this.client.get()
			.uri("/realtime/channels.d.ts")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.value((declarations) -> assertThat(declarations).contains("`pipeline:${string}`")
				.contains("export interface Status"));
	}

	private String startRun(String user) {
		return startRun(user, true);
	}

	private String startRun(String user, boolean approval) {
		Map<String, String> run = this.client.post()
			.uri("/api/pipeline?approval=" + approval)
			.headers((headers) -> headers.setBasicAuth(user, user))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("topic", "tests"))
			.exchange()
			.expectStatus()
			.isAccepted()
			.expectBody(new ParameterizedTypeReference<Map<String, String>>() {
			})
			.returnResult()
			.getResponseBody();
		assertThat(run).containsKey("runId").containsEntry("channel", "pipeline:" + run.get("runId"));
		return run.get("channel");
	}

	private WebTestClient.ResponseSpec requestToken(String user, String channel) {
		return requestToken(user, channel, false);
	}

	private WebTestClient.ResponseSpec requestToken(String user, String channel, boolean cancel) {
		return this.client.post()
			.uri("/realtime/token")
			.headers((headers) -> headers.setBasicAuth(user, user))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("channel", channel, "topics", List.of("status", "tokens"), "cancel", cancel))
			.exchange();
	}

	private WebTestClient.ResponseSpec cancel(String token, String runId) {
		return this.client.post()
			.uri("/realtime/runs/{runId}/cancel", runId)
			.headers((headers) -> headers.setBearerAuth(token))
			.exchange();
	}

	private String token(String user, String channel) {
		Map<String, Object> response = requestToken(user, channel).expectStatus()
			.isOk()
			.expectBody(new ParameterizedTypeReference<Map<String, Object>>() {
			})
			.returnResult()
			.getResponseBody();
		assertThat(response).isNotNull();
		return (String) response.get("token");
	}

	private WebTestClient.ResponseSpec openStream(String token) {
		return this.client.get()
			.uri("/realtime/sse")
			.accept(MediaType.TEXT_EVENT_STREAM)
			.headers((headers) -> headers.setBearerAuth(token))
			.exchange();
	}

	// the middle of the signature: the last character of base64url may only carry padding
	// bits
	private static String changeOneCharacterOfSignature(String token) {
		int signature = token.lastIndexOf('.') + 1;
		int index = signature + (token.length() - signature) / 2;
		char changed = (token.charAt(index) == 'A') ? 'B' : 'A';
		return token.substring(0, index) + changed + token.substring(index + 1);
	}

}
