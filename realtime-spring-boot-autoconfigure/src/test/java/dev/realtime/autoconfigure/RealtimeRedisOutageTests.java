package dev.realtime.autoconfigure;

import java.nio.file.Path;
import java.util.Set;

import dev.realtime.ChannelCatalog;
import dev.realtime.catalog.DefaultChannelCatalog;
import dev.realtime.engine.redis.EnabledIfRedis;
import dev.realtime.engine.redis.RedisServerProcess;
import dev.realtime.token.RealtimeTokens;
import dev.realtime.token.TokenRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.StatusAssertions;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An application on the Redis engine whose {@code redis-server}, the test's own, is
 * killed: a client's publish then fails as unavailable, over WebSocket as over HTTP, so
 * that clients can tell it from their own mistakes and retry.
 */
@ExtendWith(OutputCaptureExtension.class)
class RealtimeRedisOutageTests {

	@TempDir
	Path directory;

	private RedisServerProcess redis;

	private ConfigurableApplicationContext application;

	@BeforeEach
	void start() throws Exception {
		this.redis = RedisServerProcess.start(this.directory);
		this.application = new SpringApplicationBuilder(TestApplication.class).web(WebApplicationType.REACTIVE)
			.properties("server.port=0", "server.address=" + EnabledIfRedis.HOST, "realtime.engine.type=redis",
					"realtime.engine.publish-timeout=1s", "spring.data.redis.host=" + EnabledIfRedis.HOST,
					"spring.data.redis.port=" + this.redis.port())
			.run();
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
		// warm: a first subscription on a cold Redis engine sometimes waits longer than
		// the client does
		publish(http, channel, token).isAccepted();
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
		assertThat(output.getOut().lines().filter((line) -> line.contains(" ERROR ") && line.contains(" d.r.")))
			.isEmpty();
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

	}

}
