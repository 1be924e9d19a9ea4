package dev.realtime.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.realtime.Channel;
import dev.realtime.ChannelCatalog;
import dev.realtime.engine.redis.EnabledIfRedis;
import dev.realtime.run.RealtimeRuns;
import dev.realtime.run.RunHandle;
import dev.realtime.run.RunOptions;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Two application nodes on random ports sharing one Redis: a browser connected to one
 * node cancels, over HTTP and WebSocket, a run that the other node executes.
 */
@EnabledIfRedis
class RealtimeRedisRunCancelTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private static final JsonMapper json = JsonMapper.builder().build();

	private static final String PREFIX = "realtime-test:" + Long.toString(System.nanoTime(), 36) + ":";

	private static final List<ConfigurableApplicationContext> nodes = new ArrayList<>();

	@BeforeAll
	static void startNodes() {
		for (int i = 0; i < 2; i++) {
			nodes.add(new SpringApplicationBuilder(RealtimeRunCancelIntegrationTests.TestApplication.class)
				.web(WebApplicationType.REACTIVE)
				.properties("server.port=0", "server.address=127.0.0.1", "realtime.engine.type=redis",
						"realtime.engine.redis.key-prefix=" + PREFIX,
						"realtime.token.secret=a-shared-secret-of-at-least-32-bytes!",
						"spring.data.redis.host=" + EnabledIfRedis.HOST,
						"spring.data.redis.port=" + EnabledIfRedis.PORT, "spring.security.user.name=alice",
						"spring.security.user.password=alice")
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
	void whenHttpCancelReachesANodeThatDoesNotExecuteTheRunThenTheOtherNodeDisposesItsFlux() throws Exception {
		Channel channel = channel();
		AtomicInteger received = new AtomicInteger();
		CountDownLatch disposed = new CountDownLatch(1);
		Flux<Long> upstream = Flux.interval(Duration.ofMillis(5)).doOnCancel(disposed::countDown);
		RunHandle<String> onA = runs(0).start(channel, RunOptions.defaults().withRunId("remote-http"), (run) -> {
			run.consume(upstream, (tick) -> received.incrementAndGet());
			return "not reached";
		});
		Awaitility.await().atMost(WAIT).until(() -> received.get() > 3);
		String token = token(1, true);
		try (SseTestClient sse = SseTestClient.connect(port(1), "/realtime/sse", token, null)) {
			sse.next("subscribed");
			assertThat(RealtimeRunCancelIntegrationTests.runStatus(sse, "remote-http")).isEqualTo("running");
			cancel(1, token, "remote-http").expectStatus()
				.isAccepted()
				.expectBody()
				.json("{\"runId\":\"remote-http\",\"outcome\":\"requested\"}", true);
			assertThat(disposed.await(10, TimeUnit.SECONDS)).isTrue();
			assertThatExceptionOfType(CancellationException.class).isThrownBy(() -> onA.await(WAIT));
			assertThat(RealtimeRunCancelIntegrationTests.runStatus(sse, "remote-http")).isEqualTo("cancelled");
		}
		Awaitility.await()
			.atMost(WAIT)
			.untilAsserted(() -> cancel(1, token, "remote-http").expectStatus().isEqualTo(409));
	}

	@Test
	void whenCancelFrameReachesANodeThatDoesNotExecuteTheRunThenTheOtherNodeInterruptsIt() throws Exception {
		Channel channel = channel();
		CountDownLatch started = new CountDownLatch(1);
		CountDownLatch interrupted = new CountDownLatch(1);
		RunHandle<String> onA = runs(0).start(channel, RunOptions.defaults().withRunId("remote-ws"), (run) -> {
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
		try (WebSocketTestClient ws = WebSocketTestClient.connect(port(1), null)) {
			ws.send("{\"type\":\"subscribe\",\"token\":\"" + token(1, true) + "\",\"history\":\"none\"}");
			assertThat(ws.next().path("type").asString()).isEqualTo("subscribed");
			ws.send("{\"type\":\"cancel\",\"channel\":\"" + channel.name()
					+ "\",\"runId\":\"remote-ws\",\"ref\":\"x\"}");
			List<JsonNode> frames = List.of(ws.next(), ws.next());
			assertThat(frames).anySatisfy((frame) -> assertThat(frame.toString())
				.isEqualTo("{\"type\":\"cancelled\",\"runId\":\"remote-ws\",\"outcome\":\"requested\",\"ref\":\"x\"}"));
			assertThat(frames)
				.anySatisfy((frame) -> assertThat(frame.path("message").path("data").path("status").asString())
					.isEqualTo("cancelled"));
			assertThat(interrupted.await(10, TimeUnit.SECONDS)).isTrue();
			assertThatExceptionOfType(CancellationException.class).isThrownBy(() -> onA.await(WAIT));
		}
	}

	@Test
	void whenTheTokenLacksTheGrantOrTheRunIsUnknownThenTheOtherNodeRefusesAndTheRunGoesOn() throws Exception {
		Channel channel = channel();
		CountDownLatch release = new CountDownLatch(1);
		RunHandle<String> onA = runs(0).start(channel, RunOptions.defaults().withRunId("remote-kept"), (run) -> {
			release.await();
			return "done";
		});
		cancel(1, token(1, false), "remote-kept").expectStatus().isForbidden();
		cancel(1, token(1, true), "remote-never").expectStatus().isNotFound();
		assertThat(onA.status().isTerminal()).isFalse();
		release.countDown();
		assertThat(onA.await(WAIT)).isEqualTo("done");
	}

	private static Channel channel() {
		return nodes.get(0).getBean(ChannelCatalog.class).resolve("jobs:alice");
	}

	private static RealtimeRuns runs(int node) {
		return nodes.get(node).getBean(RealtimeRuns.class);
	}

	// through the node's token endpoint, whose rule grants cancel to the owner
	private static String token(int node, boolean cancel) {
		byte[] body = client(node).post()
			.uri("/realtime/token")
			.headers((headers) -> headers.setBasicAuth("alice", "alice"))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("channel", "jobs:alice", "cancel", cancel))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.returnResult()
			.getResponseBody();
		assertThat(body).isNotNull();
		return json.readTree(body).path("token").asString();
	}

	private static WebTestClient.ResponseSpec cancel(int node, String token, String runId) {
		return RealtimeRunCancelIntegrationTests.cancel(client(node), token, runId);
	}

	private static WebTestClient client(int node) {
		return WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port(node)).build();
	}

	private static int port(int node) {
		return nodes.get(node).getEnvironment().getRequiredProperty("local.server.port", Integer.class);
	}

}
