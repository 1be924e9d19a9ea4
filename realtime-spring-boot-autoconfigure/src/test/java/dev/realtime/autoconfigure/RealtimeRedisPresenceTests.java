package dev.realtime.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.realtime.ChannelCatalog;
import dev.realtime.PresenceMember;
import dev.realtime.RealtimePresence;
import dev.realtime.catalog.DefaultChannelCatalog;
import dev.realtime.engine.redis.EnabledIfRedis;
import dev.realtime.token.RealtimeTokens;
import dev.realtime.token.TokenRequest;
import org.junit.jupiter.api.AfterEach;
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

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Presence on two application nodes sharing one Redis, when one of them is lost: its
 * members leave within the presence time-to-live, announced by the node that remains.
 */
@EnabledIfRedis
class RealtimeRedisPresenceTests {

	private static final JsonMapper json = JsonMapper.builder().build();

	private static final Duration TTL = Duration.ofMillis(1500);

	private final String prefix = "realtime-test:" + Long.toString(System.nanoTime(), 36) + ":";

	private final List<ConfigurableApplicationContext> nodes = new ArrayList<>();

	@AfterEach
	void stopNodes() {
		StringRedisTemplate redis = new StringRedisTemplate(this.nodes.get(0).getBean(RedisConnectionFactory.class));
		redis.delete(redis.keys(this.prefix + "*"));
		this.nodes.forEach(ConfigurableApplicationContext::close);
	}

	@Test
	void whenANodeIsLostThenItsMembersLeaveWithinTheTtlAnnouncedByTheOtherNode() throws Exception {
		ConfigurableApplicationContext a = startNode();
		ConfigurableApplicationContext b = startNode();
		String channel = "lobby:open-node-lost";
		RealtimeTokens tokens = a.getBean(RealtimeTokens.class);
		try (SseTestClient watcher = SseTestClient.connect(port(a), "/realtime/sse",
				tokens.mint(new TokenRequest(channel, Set.of(), Set.of(), false, null, "watcher", true, Map.of()))
					.token(),
				null)) {
			watcher.next("subscribed");
			assertThat(presenceEvent(watcher).path("user").asString()).isEqualTo("watcher");
			try (SseTestClient alice = SseTestClient.connect(port(b), "/realtime/sse",
					tokens.mint(new TokenRequest(channel, Set.of(), Set.of(), false, null, "alice", false, Map.of()))
						.token(),
					null)) {
				alice.next("subscribed");
				JsonNode join = presenceEvent(watcher);
				assertThat(join.path("user").asString()).isEqualTo("alice");
				assertThat(join.path("type").asString()).isEqualTo("join");
				// node B loses Redis for good, as when it dies: it can neither
				// confirm nor withdraw its members
				long lost = System.nanoTime();
				b.getBean(RealtimeRedisConnection.class).destroy();
				JsonNode leave = presenceEvent(watcher);
				Duration after = Duration.ofNanos(System.nanoTime() - lost);
				assertThat(leave.path("type").asString()).isEqualTo("leave");
				assertThat(leave.path("user").asString()).isEqualTo("alice");
				assertThat(leave.path("count").asLong()).isEqualTo(1);
				// the ttl, plus the refresh interval of the node that notices
				assertThat(after).isGreaterThanOrEqualTo(TTL.dividedBy(2)).isLessThan(TTL.multipliedBy(3));
				assertThat(a.getBean(RealtimePresence.class).members(channel).block(Duration.ofSeconds(5)))
					.extracting(PresenceMember::user)
					.containsExactly("watcher");
			}
		}
	}

	private ConfigurableApplicationContext startNode() {
		ConfigurableApplicationContext node = new SpringApplicationBuilder(TestApplication.class)
			.web(WebApplicationType.REACTIVE)
			.properties("server.port=0", "realtime.engine.type=redis",
					"realtime.engine.redis.key-prefix=" + this.prefix,
					"realtime.token.secret=a-shared-secret-of-at-least-32-bytes!",
					"spring.data.redis.host=" + EnabledIfRedis.HOST, "spring.data.redis.port=" + EnabledIfRedis.PORT,
					"spring.security.user.name=alice", "spring.security.user.password=alice",
					"realtime.presence.ttl=" + TTL.toMillis() + "ms", "realtime.presence.leave-delay=100ms")
			.run();
		this.nodes.add(node);
		return node;
	}

	private static int port(ConfigurableApplicationContext node) {
		return node.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
	}

	private static JsonNode presenceEvent(SseTestClient stream) throws InterruptedException {
		JsonNode envelope = json.readTree(stream.next("message").data());
		assertThat(envelope.path("topic").asString()).isEqualTo("$presence");
		return envelope.path("data");
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class TestApplication {

		@Bean
		ChannelCatalog channelCatalog() {
			return DefaultChannelCatalog.of(TestLobby.class);
		}

	}

}
