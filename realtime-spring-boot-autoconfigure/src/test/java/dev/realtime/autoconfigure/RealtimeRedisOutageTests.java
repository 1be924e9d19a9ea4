package dev.realtime.autoconfigure;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import dev.realtime.ChannelCatalog;
import dev.realtime.MessageKind;
import dev.realtime.actuate.RealtimeHealthIndicator;
import dev.realtime.catalog.DefaultChannelCatalog;
import dev.realtime.delivery.LocalFanOut;
import dev.realtime.engine.EngineMessage;
import dev.realtime.engine.MessageId;
import dev.realtime.engine.PublishRequest;
import dev.realtime.engine.RealtimeEngine;
import dev.realtime.engine.Replay;
import dev.realtime.engine.redis.EnabledIfRedis;
import dev.realtime.engine.redis.RedisServerProcess;
import dev.realtime.token.RealtimeTokens;
import dev.realtime.token.TokenRequest;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.StatusAssertions;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * An application on the Redis engine whose {@code redis-server}, the test's own, is
 * killed: a client's publish then fails as unavailable, over WebSocket as over HTTP, so
 * that clients can tell it from their own mistakes and retry; once it is restarted, the
 * engine publishes and delivers again within about a second. Health and meters tell
 * operators what happened.
 */
@ExtendWith(OutputCaptureExtension.class)
class RealtimeRedisOutageTests {

	private static final Log logger = LogFactory.getLog(RealtimeRedisOutageTests.class);

	/**
	 * How long Redis stays down: long enough for a client's reconnect backoff to grow as
	 * it does in a real outage.
	 */
	private static final Duration OUTAGE = Duration.ofSeconds(6);

	/** How soon after Redis answers again the engine must publish and deliver. */
	private static final Duration RECOVERY = Duration.ofMillis(1500);

	@TempDir
	Path directory;

	private RedisServerProcess redis;

	private ConfigurableApplicationContext application;

	private MeterRegistry registry;

	@BeforeEach
	void start() throws Exception {
		this.redis = RedisServerProcess.start(this.directory);
		this.application = new SpringApplicationBuilder(TestApplication.class).web(WebApplicationType.REACTIVE)
			.properties("server.port=0", "server.address=" + EnabledIfRedis.HOST, "realtime.engine.type=redis",
					"realtime.engine.publish-timeout=1s", "spring.data.redis.host=" + EnabledIfRedis.HOST,
					"spring.data.redis.port=" + this.redis.port())
			.run();
		this.registry = this.application.getBean(MeterRegistry.class);
	}

	@AfterEach
	void stop() throws Exception {
		if (this.application != null) {
			this.application.close();
		}
		if (this.redis != null) {
			this.redis.close();
		}
	}

	@Test
	void whenRedisIsDownThenAWebSocketPublishAnswersUnavailableAsHttpAnswers503(CapturedOutput output)
			throws Exception {
		String channel = "pipeline:open-outage";
		String token = this.application.getBean(RealtimeTokens.class)
			.mint(new TokenRequest(channel, Set.of(), Set.of("approval"), null))
			.token();
		int port = this.application.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
		WebTestClient http = WebTestClient.bindToServer().baseUrl("http://" + EnabledIfRedis.HOST + ":" + port).build();
		try (WebSocketTestClient ws = WebSocketTestClient.connect(port, null)) {
			ws.send("{\"type\":\"subscribe\",\"token\":\"" + token + "\",\"history\":\"none\"}");
			assertThat(ws.next().path("type").asString()).isEqualTo("subscribed");
			String publish = "{\"type\":\"publish\",\"channel\":\"" + channel
					+ "\",\"topic\":\"approval\",\"data\":{\"approved\":true},\"ref\":\"r1\"}";
			ws.send(publish);
			assertThat(receive(ws, "published").path("ref").asString()).isEqualTo("r1");
			this.redis.kill();
			ws.send(publish.replace("r1", "r2"));
			JsonNode error = receive(ws, "error");
			assertThat(error.path("code").asString()).isEqualTo("unavailable");
			assertThat(error.path("ref").asString()).isEqualTo("r2");
		}
		publish(http, channel, token).isEqualTo(503);
		assertThat(count("realtime.publishes", "source", "client", "outcome", "ok")).isOne();
		assertThat(count("realtime.publishes", "source", "client", "outcome", "unavailable")).isEqualTo(2);
		assertThat(output.getOut().lines().filter((line) -> line.contains(" ERROR ") && line.contains(" d.r.")))
			.isEmpty();
	}

	@Test
	void whenRedisRestartsThenTheEnginePublishesAndDeliversAgainWithinASecondAndAHalf() throws Exception {
		RealtimeEngine engine = this.application.getBean(RealtimeEngine.class);
		String channel = "pipeline:open-restart";
		publish(engine, channel, 0).block(Duration.ofSeconds(5));
		// when each message arrived: the first one after the restart may arrive before
		// its publish returns its id
		Map<MessageId, Long> deliveredAt = new ConcurrentHashMap<>();
		AtomicReference<Throwable> error = new AtomicReference<>();
		CountDownLatch subscribed = new CountDownLatch(1);
		Disposable subscription = this.application.getBean(LocalFanOut.class)
			.subscribe(channel, Set.of("approval"), Replay.none())
			.subscribe((event) -> {
				subscribed.countDown();
				if (event instanceof EngineMessage message) {
					deliveredAt.putIfAbsent(message.id(), System.nanoTime());
				}
			}, error::set);
		try {
			assertThat(subscribed.await(5, TimeUnit.SECONDS)).isTrue();
			// with its data, so that the subscriber stays and only has to catch up
			this.application.getBean(ReactiveRedisConnectionFactory.class)
				.getReactiveConnection()
				.serverCommands()
				.save()
				.block(Duration.ofSeconds(5));
			this.redis.kill();
			assertThatException().isThrownBy(() -> publish(engine, channel, 1).block(Duration.ofSeconds(5)));
			Thread.sleep(OUTAGE.toMillis());
			this.redis.restart();
			while (!this.redis.answersPing()) {
				Thread.sleep(5);
			}
			long answered = System.nanoTime();
			EngineMessage published = publishWhenBack(engine, channel);
			long publishedAt = System.nanoTime();
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
			while (!deliveredAt.containsKey(published.id()) && System.nanoTime() < deadline) {
				Thread.sleep(5);
			}
			boolean deliveredInTime = deliveredAt.containsKey(published.id());
			Duration publishing = Duration.ofNanos(publishedAt - answered);
			Duration delivering = Duration.ofNanos(deliveredAt.getOrDefault(published.id(), deadline) - answered);
			logger.info("Redis answered PING again; the first publish succeeded " + publishing.toMillis()
					+ " ms later and reached the subscriber from before the outage "
					+ (deliveredInTime ? delivering.toMillis() + " ms later" : "not within 10 s"));
			assertThat(publishing).isLessThan(RECOVERY);
			assertThat(error.get()).isNull();
			assertThat(deliveredInTime).isTrue();
			assertThat(delivering).isLessThan(RECOVERY);
			// the node's subscription outlived the outage: Redis confirmed it again and
			// the channel read what it missed
			assertThat(gauge("realtime.subscriptions", "transport", "java")).isOne();
			assertThat(gauge("realtime.redis.subscriptions")).isOne();
			assertThat(count("realtime.redis.resubscriptions")).isPositive();
			assertThat(count("realtime.redis.catchups", "result", "recovered")).isPositive();
			assertThat(count("realtime.redis.catchups", "result", "lost")).isZero();
			assertThat(count("realtime.redis.pubsub.lost")).isZero();
			assertThat(this.registry.get("realtime.redis.commands").tags("command", "publish").functionTimer().count())
				.isGreaterThanOrEqualTo(2);
		}
		finally {
			subscription.dispose();
		}
	}

	@Test
	void whenRedisIsDownThenTicketsAnswer503AndHealthIsDownUntilRedisReturns(CapturedOutput output) throws Exception {
		String token = this.application.getBean(RealtimeTokens.class)
			.mint(new TokenRequest("pipeline:open-tickets", Set.of("status"), Set.of(), null))
			.token();
		int port = this.application.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
		WebTestClient http = WebTestClient.bindToServer().baseUrl("http://" + EnabledIfRedis.HOST + ":" + port).build();
		RealtimeHealthIndicator indicator = this.application.getBean(RealtimeHealthIndicator.class);
		Health up = indicator.health().block(Duration.ofSeconds(5));
		assertThat(up.getStatus()).isEqualTo(Status.UP);
		assertThat(up.getDetails()).containsEntry("engine", "redis");
		ticket(http, token).isOk();
		this.redis.kill();
		ticket(http, token).isEqualTo(503);
		http.get()
			.uri("/realtime/sse?ticket=AAAAAAAAAAAAAAAAAAAAAA")
			.exchange()
			.expectStatus()
			.isEqualTo(503)
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON);
		Health down = indicator.health().block(Duration.ofSeconds(5));
		assertThat(down.getStatus()).isEqualTo(Status.DOWN);
		assertThat(down.getDetails()).containsEntry("engine", "redis")
			.containsKeys("node", "connections", "subscriptions", "subscribedChannels")
			.hasEntrySatisfying("problem",
					(problem) -> assertThat(problem).asString().startsWith("Redis does not answer"));
		this.redis.restart();
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		Health back = indicator.health().block(Duration.ofSeconds(5));
		while (back.getStatus() != Status.UP && System.nanoTime() < deadline) {
			Thread.sleep(50);
			back = indicator.health().block(Duration.ofSeconds(5));
		}
		assertThat(back.getStatus()).isEqualTo(Status.UP);
		ticket(http, token).isOk();
		assertThat(this.registry.get("realtime.redis.commands").tags("command", "ping").functionTimer().count())
			.isGreaterThanOrEqualTo(2);
		assertThat(output.getOut().lines().filter((line) -> line.contains(" ERROR ") && line.contains(" d.r.")))
			.isEmpty();
	}

	private double count(String name, String... tags) {
		return this.registry.get(name).tags(tags).functionCounter().count();
	}

	private double gauge(String name, String... tags) {
		return this.registry.get(name).tags(tags).gauge().value();
	}

	private static StatusAssertions ticket(WebTestClient http, String token) {
		return http.post()
			.uri("/realtime/ticket")
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
			.exchange()
			.expectStatus();
	}

	private static EngineMessage publishWhenBack(RealtimeEngine engine, String channel) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
		while (true) {
			try {
				return publish(engine, channel, 2).block(Duration.ofSeconds(5));
			}
			catch (RuntimeException ex) {
				if (System.nanoTime() > deadline) {
					throw ex;
				}
				Thread.sleep(5);
			}
		}
	}

	private static Mono<EngineMessage> publish(RealtimeEngine engine, String channel, int value) {
		return engine.publish(new PublishRequest(channel, "approval",
				("{\"approved\":" + (value % 2 == 0) + "}").getBytes(StandardCharsets.UTF_8), null, MessageKind.DATA,
				true));
	}

	private static StatusAssertions publish(WebTestClient http, String channel, String token) {
		return http.post()
			.uri("/realtime/publish")
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"channel\":\"" + channel + "\",\"topic\":\"approval\",\"data\":{\"approved\":true}}")
			.exchange()
			.expectStatus();
	}

	// skips the messages of the channel: the published ones come back to the subscriber
	private static JsonNode receive(WebSocketTestClient ws, String type) throws InterruptedException {
		JsonNode frame = ws.next();
		while (frame.path("type").asString().equals("message")) {
			frame = ws.next();
		}
		assertThat(frame.path("type").asString()).as("frame %s", frame).isEqualTo(type);
		return frame;
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

	}

}
