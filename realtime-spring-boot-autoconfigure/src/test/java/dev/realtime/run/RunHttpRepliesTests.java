package dev.realtime.run;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.realtime.Channel;
import dev.realtime.ChannelCatalog;
import dev.realtime.ChannelDefinition;
import dev.realtime.InvalidChannelException;
import dev.realtime.run.JobChannel.Approval;
import dev.realtime.server.RealtimeHub;
import dev.realtime.server.webflux.RealtimeServerEndpoints;
import dev.realtime.token.ChannelAuthorization;
import dev.realtime.token.JwsRealtimeTokens;
import dev.realtime.token.RealtimeTokens;
import dev.realtime.token.TokenKeys;
import dev.realtime.token.TokenRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.http.HttpStatus;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests that replies a browser publishes through {@code POST {base}/publish} reach
 * {@link Run#awaitReply(dev.realtime.Topic, Duration)}.
 *
 * @author Realtime team
 */
class RunHttpRepliesTests {

	private static final Duration WAIT = Duration.ofSeconds(5);

	private final RunsFixture fixture = new RunsFixture();

	private final RealtimeTokens tokens = new JwsRealtimeTokens(new JobCatalog(), TokenKeys.random());

	private final WebTestClient client = WebTestClient
		.bindToRouterFunction(new RealtimeServerEndpoints(
				RealtimeHub.builder(this.fixture.fanOut, this.tokens, new JobCatalog(), this.fixture.template)
					.authorization(new ChannelAuthorization(List.of(), null))
					.codec(this.fixture.codec)
					.jsonMapper(this.fixture.mapper)
					.build())
			.routerFunction("/realtime", true, true, true, true))
		.build();

	@AfterEach
	void close() throws Exception {
		this.fixture.close();
	}

	@Test
	void whenBrowserPostsReplyThenRunReceivesItAndInvalidOrUngrantedRepliesAreRefused() throws Exception {
		TestJobChannel channel = TestJobChannel.of("http");
		CountDownLatch asking = new CountDownLatch(1);
		RunHandle<Approval> handle = this.fixture.runs.start(channel, (run) -> {
			asking.countDown();
			return run.awaitReply(channel.approval(), WAIT);
		});
		assertThat(asking.await(5, TimeUnit.SECONDS)).isTrue();
		String token = this.tokens.mint(new TokenRequest(channel.name(), Set.of("status"), Set.of("approval"), null))
			.token();
		publish(token, channel, "approval", Map.of("approved", "maybe")).expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.errors[0].field")
			.isEqualTo("approved");
		publish(token, channel, "status", Map.of("message", "forged")).expectStatus().isForbidden();
		publish(token, TestJobChannel.of("other"), "approval", Map.of("approved", true)).expectStatus().isForbidden();
		assertThat(handle.status().isTerminal()).isFalse();
		publish(token, channel, "approval", Map.of("approved", true, "comment", "ship it")).expectStatus()
			.isEqualTo(HttpStatus.ACCEPTED);
		assertThat(handle.await(WAIT)).isEqualTo(new Approval(true, "ship it"));
	}

	private WebTestClient.ResponseSpec publish(String token, Channel channel, String topic, Object data) {
		return this.client.post()
			.uri("/realtime/publish")
			.headers((headers) -> headers.setBearerAuth(token))
			.bodyValue(Map.of("channel", channel.name(), "topic", topic, "data", data))
			.exchange();
	}

	static final class JobCatalog implements ChannelCatalog {

		private static final ChannelDefinition DEFINITION = ChannelDefinition.of(JobChannel.class);

		@Override
		public Collection<ChannelDefinition> definitions() {
			return List.of(DEFINITION);
		}

		@Override
		public Channel resolve(String name) {
			Map<String, String> parameters = DEFINITION.template().match(name);
			if (parameters == null) {
				throw new InvalidChannelException("No channel named '" + name + "'");
			}
			return TestJobChannel.of(parameters.get("runId"));
		}

		@Override
		public ChannelDefinition definition(Class<?> type) {
			if (type != JobChannel.class) {
				throw new InvalidChannelException("No channel declared by " + type.getName());
			}
			return DEFINITION;
		}

	}

}
