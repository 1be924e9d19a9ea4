package dev.realtime.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.realtime.ChannelCatalog;
import dev.realtime.PresenceMember;
import dev.realtime.PublishResult;
import dev.realtime.RealtimePresence;
import dev.realtime.RealtimePublisher;
import dev.realtime.Topic;
import dev.realtime.autoconfigure.TestPipeline.Approval;
import dev.realtime.autoconfigure.TestPipeline.Status;
import dev.realtime.catalog.DefaultChannelCatalog;
import dev.realtime.engine.redis.EnabledIfRedis;
import dev.realtime.engine.redis.RedisEngine;
import dev.realtime.run.RealtimeRuns;
import dev.realtime.run.RetryPolicy;
import dev.realtime.run.RunFailureException;
import dev.realtime.run.RunHandle;
import dev.realtime.run.RunOptions;
import dev.realtime.run.RunStatus.State;
import dev.realtime.token.RealtimeTokens;
import dev.realtime.token.TicketStore;
import dev.realtime.token.TokenRequest;
import dev.realtime.token.redis.RedisTicketStore;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Three application nodes on random ports sharing one Redis: messages published on one
 * reach the SSE and WebSocket subscribers of the others in order, and a subscriber that
 * moves to another node resumes without loss or duplicates.
 */
@EnabledIfRedis
class RealtimeRedisMultiNodeTests {

	private static final JsonMapper json = JsonMapper.builder().build();

	private static final String PREFIX = "realtime-test:" + Long.toString(System.nanoTime(), 36) + ":";

	private static final List<ConfigurableApplicationContext> nodes = new ArrayList<>();

	@BeforeAll
	static void startNodes() {
		for (int i = 0; i < 3; i++) {
			nodes.add(new SpringApplicationBuilder(TestApplication.class).web(WebApplicationType.REACTIVE)
				.properties("server.port=0", "realtime.engine.type=redis", "realtime.engine.redis.key-prefix=" + PREFIX,
						"realtime.token.secret=a-shared-secret-of-at-least-32-bytes!", "realtime.history.size=1000",
						"spring.data.redis.host=" + EnabledIfRedis.HOST,
						"spring.data.redis.port=" + EnabledIfRedis.PORT, "spring.security.user.name=alice",
						"spring.security.user.password=alice", "realtime.presence.leave-delay=200ms")
				.run());
		}
	}

	@AfterAll
	static void stopNodes() {
		StringRedisTemplate redis = new StringRedisTemplate(nodes.get(0).getBean(RedisConnectionFactory.class));
		redis.delete(redis.keys(PREFIX + "*"));
		nodes.forEach(ConfigurableApplicationContext::close);
	}

	@Test
	void whenPublishedOnOneNodeThenSseAndWebSocketSubscribersOnTheOthersReceiveEveryMessageInOrder() throws Exception {
		TestPipelineChannel channel = TestPipelineChannel.of("open-multi-1");
		assertThat(node(0).getBean(RedisEngine.class)).isNotNull();
		try (SseTestClient sse = SseTestClient.connect(port(1), "/realtime/sse?history=none", mint(channel), null);
				WebSocketTestClient ws = WebSocketTestClient.connect(port(2), null)) {
			sse.next("subscribed");
			ws.send("{\"type\":\"subscribe\",\"token\":\"" + mint(channel) + "\",\"history\":\"none\"}");
			assertThat(ws.next().path("type").asString()).isEqualTo("subscribed");
			List<String> published = new ArrayList<>();
			for (int i = 0; i < 200; i++) {
				published.add(publish(0, channel, "m" + i).id());
			}
			List<String> overSse = new ArrayList<>();
			List<String> overWebSocket = new ArrayList<>();
			for (int i = 0; i < 200; i++) {
				SseTestClient.Event event = sse.next("message");
				assertThat(message(json.readTree(event.data()))).isEqualTo("m" + i);
				overSse.add(event.id());
				JsonNode frame = ws.next();
				assertThat(message(frame.path("message"))).isEqualTo("m" + i);
				overWebSocket.add(frame.path("message").path("id").asString());
			}
			assertThat(overSse).isEqualTo(published);
			assertThat(overWebSocket).isEqualTo(published);
		}
	}

	@Test
	void whenASubscriberMovesToAnotherNodeWithItsLastEventIdThenItResumesWithoutLossOrDuplicates() throws Exception {
		TestPipelineChannel channel = TestPipelineChannel.of("open-multi-2");
		List<String> published = new ArrayList<>();
		List<String> received = new ArrayList<>();
		try (SseTestClient onB = SseTestClient.connect(port(1), "/realtime/sse", mint(channel), null)) {
			onB.next("subscribed");
			for (int i = 0; i < 50; i++) {
				published.add(publish(0, channel, "m" + i).id());
			}
			for (int i = 0; i < 30; i++) {
				received.add(onB.next("message").id());
			}
		}
		for (int i = 50; i < 80; i++) {
			published.add(publish((i % 2 == 0) ? 0 : 1, channel, "m" + i).id());
		}
		String lastEventId = received.get(received.size() - 1);
		try (SseTestClient onC = SseTestClient.connect(port(2), "/realtime/sse", mint(channel), lastEventId)) {
			assertThat(onC.next("subscribed").data()).contains("\"recovered\":true");
			for (int i = 80; i < 100; i++) {
				published.add(publish(0, channel, "m" + i).id());
			}
			for (int i = 30; i < 100; i++) {
				SseTestClient.Event event = onC.next("message");
				assertThat(message(json.readTree(event.data()))).isEqualTo("m" + i);
				received.add(event.id());
			}
		}
		assertThat(received).isEqualTo(published);
	}

	@Test
	void whenARunIsRetriedOnAnotherNodeThenItsDurableStepsAreNotSentAgain() throws Exception {
		TestPipelineChannel channel = TestPipelineChannel.of("open-multi-3");
		RunOptions options = RunOptions.defaults().withRunId("open-multi-3").withRetry(RetryPolicy.none());
		RunHandle<String> onA = node(0).getBean(RealtimeRuns.class).start(channel.channel(), options, (run) -> {
			run.step("first").publish(channel.status(), new Status("first"));
			throw new IllegalStateException("node A gives up");
		});
		assertThatExceptionOfType(RunFailureException.class).isThrownBy(() -> onA.await(Duration.ofSeconds(10)));
		RunHandle<String> onB = node(1).getBean(RealtimeRuns.class).start(channel.channel(), options, (run) -> {
			run.step("first").publish(channel.status(), new Status("first"));
			run.step("second").publish(channel.status(), new Status("second"));
			return "done";
		});
		assertThat(onB.await(Duration.ofSeconds(10))).isEqualTo("done");
		List<String> statuses = new ArrayList<>();
		try (SseTestClient onC = SseTestClient.connect(port(2), "/realtime/sse", mint(channel), null)) {
			onC.next("subscribed");
			JsonNode envelope;
			do {
				envelope = json.readTree(onC.next("message").data());
				statuses.add(envelope.path("topic").asString().equals("status") ? message(envelope)
						: envelope.path("data").path("status").asString());
			}
			while (!statuses.get(statuses.size() - 1).equals("completed"));
		}
		assertThat(statuses).containsExactly("running", "first", "failed", "running", "second", "completed");
	}

	@Test
	void whenAReplyIsPostedToAnotherNodeThenItReachesTheRunWaitingForIt() throws Exception {
		TestPipelineChannel channel = TestPipelineChannel.of("open-multi-4");
		Topic<Approval> approval = channel.channel().topic("approval", Approval.class);
		RunHandle<Boolean> onA = node(0).getBean(RealtimeRuns.class)
			.start(channel.channel(), RunOptions.defaults().withRunId("open-multi-4"),
					(run) -> run.awaitReply(approval, Duration.ofSeconds(20)).approved());
		Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> onA.status().state() == State.RUNNING);
		String token = node(0).getBean(RealtimeTokens.class)
			.mint(new TokenRequest(channel.name(), Set.of(), Set.of("approval"), null))
			.token();
		WebTestClient.bindToServer()
			.baseUrl("http://127.0.0.1:" + port(1))
			.build()
			.post()
			.uri("/realtime/publish")
			.header("Authorization", "Bearer " + token)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("channel", channel.name(), "topic", "approval", "data", Map.of("approved", true)))
			.exchange()
			.expectStatus()
			.isAccepted();
		assertThat(onA.await(Duration.ofSeconds(10))).isTrue();
	}

	@Test
	void whenATicketIsIssuedOnOneNodeThenExactlyOneNodeAcceptsIt() throws Exception {
		TestPipelineChannel channel = TestPipelineChannel.of("open-multi-ticket");
		assertThat(node(0).getBean(TicketStore.class)).isInstanceOf(RedisTicketStore.class);
		String ticket = client(0).post()
			.uri("/realtime/ticket")
			.header("Authorization", "Bearer " + mint(channel))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(JsonNode.class)
			.returnResult()
			.getResponseBody()
			.path("ticket")
			.asString();
		try (SseTestClient onB = SseTestClient.connect(port(1), "/realtime/sse?ticket=" + ticket, null, null)) {
			assertThat(onB.next("subscribed").data()).contains("\"channel\":\"pipeline:open-multi-ticket\"");
			for (int node : new int[] { 0, 1, 2 }) {
				client(node).get()
					.uri("/realtime/sse?ticket=" + ticket)
					.exchange()
					.expectStatus()
					.isUnauthorized()
					.expectHeader()
					.contentType(MediaType.APPLICATION_PROBLEM_JSON);
			}
		}
	}

	private static WebTestClient client(int node) {
		return WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port(node)).build();
	}

	@Test
	void whenAUserIsSubscribedOnTwoNodesThenAWatcherOnAThirdSeesOneJoinAndOneLeaveAfterTheLastNode() throws Exception {
		String channel = "lobby:open-multi-presence";
		RealtimeTokens tokens = node(0).getBean(RealtimeTokens.class);
		String alice = tokens.mint(new TokenRequest(channel, Set.of(), Set.of(), false, null, "alice", false, Map.of()))
			.token();
		try (SseTestClient watcher = SseTestClient.connect(port(2), "/realtime/sse",
				tokens.mint(new TokenRequest(channel, Set.of(), Set.of(), false, null, "watcher", true, Map.of()))
					.token(),
				null)) {
			watcher.next("subscribed");
			assertThat(presenceEvent(watcher).path("user").asString()).isEqualTo("watcher");
			WebSocketTestClient onB = WebSocketTestClient.connect(port(1), null);
			try (SseTestClient onA = SseTestClient.connect(port(0), "/realtime/sse", alice, null)) {
				onA.next("subscribed");
				JsonNode join = presenceEvent(watcher);
				assertThat(join.path("type").asString()).isEqualTo("join");
				assertThat(join.path("user").asString()).isEqualTo("alice");
				assertThat(join.path("count").asLong()).isEqualTo(2);
				onB.send("{\"type\":\"subscribe\",\"token\":\"" + alice + "\"}");
				assertThat(onB.next().path("type").asString()).isEqualTo("subscribed");
				Awaitility.await()
					.atMost(Duration.ofSeconds(5))
					.untilAsserted(() -> assertThat(node(1).getBean(RealtimePresence.class).members(channel).block())
						.extracting(PresenceMember::user)
						.containsExactlyInAnyOrder("watcher", "alice"));
			}
			// still subscribed on node B
			assertThat(watcher.poll(Duration.ofSeconds(1))).isNull();
			onB.close();
			JsonNode leave = presenceEvent(watcher);
			assertThat(leave.path("type").asString()).isEqualTo("leave");
			assertThat(leave.path("user").asString()).isEqualTo("alice");
			assertThat(leave.path("count").asLong()).isEqualTo(1);
		}
	}

	private static JsonNode presenceEvent(SseTestClient stream) throws InterruptedException {
		JsonNode envelope = json.readTree(stream.next("message").data());
		assertThat(envelope.path("topic").asString()).isEqualTo("$presence");
		return envelope.path("data");
	}

	private static PublishResult publish(int node, TestPipelineChannel channel, String message) {
		return node(node).getBean(RealtimePublisher.class).publish(channel.status(), new Status(message));
	}

	private static String mint(TestPipelineChannel channel) {
		return node(0).getBean(RealtimeTokens.class).mint(TokenRequest.read(channel.name(), "status")).token();
	}

	private static String message(JsonNode envelope) {
		return envelope.path("data").path("message").asString();
	}

	private static ConfigurableApplicationContext node(int index) {
		return nodes.get(index);
	}

	private static int port(int node) {
		return node(node).getEnvironment().getRequiredProperty("local.server.port", Integer.class);
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class TestApplication {

		@Bean
		ChannelCatalog channelCatalog() {
			return DefaultChannelCatalog.of(TestPipeline.class, TestLobby.class);
		}

	}

}
