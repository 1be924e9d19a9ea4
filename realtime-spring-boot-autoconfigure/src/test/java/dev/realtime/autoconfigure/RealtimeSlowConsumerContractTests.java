package dev.realtime.autoconfigure;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import dev.realtime.RealtimePublisher;
import dev.realtime.autoconfigure.TestPipeline.Token;
import dev.realtime.token.RealtimeTokens;
import dev.realtime.token.TokenRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests that clients which stop reading are cut off on a real server: each slow client is
 * a raw socket with a tiny receive buffer that reads nothing once subscribed, so that the
 * server's frames pile up in its buffers. Once the server ends such a stream (too slow,
 * token expired), the connection must be closed within the write timeout even though the
 * last frames cannot be sent, which the client sees as the end of the stream when it
 * drains the socket afterwards; other subscribers of the channel get every message
 * meanwhile. Every web stack passes them ({@link WebFluxSlowConsumerTests},
 * {@link WebMvcSlowConsumerTests}).
 */
@SpringBootTest(classes = RealtimeEndpointsContractTests.TestApplication.class,
		webEnvironment = WebEnvironment.RANDOM_PORT, properties = "realtime.limits.write-timeout=1500ms")
@ExtendWith(OutputCaptureExtension.class)
abstract class RealtimeSlowConsumerContractTests {

	/**
	 * Short for a test, long enough that the client that does read is not cut off when
	 * the machine is busy.
	 */
	private static final Duration WRITE_TIMEOUT = Duration.ofMillis(1500);

	/** More than enough to fill the buffers of a client that does not read. */
	private static final int FILLING = 120;

	private static final String BIG = "x".repeat(60_000);

	/**
	 * Beyond the write timeout, the time the server takes to notice and to close: on a
	 * machine busy with other builds, a stream's loop can run a second behind.
	 */
	private static final Duration MARGIN = Duration.ofSeconds(2);

	/** How long a client may take to read what the kernel holds for it. */
	private static final Duration DRAIN = Duration.ofSeconds(10);

	@LocalServerPort
	private int port;

	@Autowired
	private RealtimePublisher publisher;

	@Autowired
	private RealtimeTokens tokens;

	@Test
	void whenSseClientFallsTooFarBehindThenItsConnectionIsClosedWithinTheWriteTimeout() throws Exception {
		TestPipelineChannel channel = TestPipelineChannel.of("open-slow-sse-1");
		try (RawTestClient slow = RawTestClient.connect(this.port);
				SseTestClient reader = SseTestClient.connect(this.port, "/realtime/sse?history=none",
						mint(channel.name(), Duration.ofMinutes(5)), null)) {
			slow.subscribeSse("/realtime/sse?history=none&token=" + mint(channel.name(), Duration.ofMinutes(5)));
			reader.next("subscribed");
			// more small messages than the subscriber buffer, after the big ones filled
			// the buffers; in batches the client that reads takes before the next, so
			// that only the one that does not read falls behind, however busy the
			// machine
			assertReceivesAll(reader, fill(channel));
			for (int batch = 0; batch < 11; batch++) {
				assertReceivesAll(reader, publishSmall(channel, 100, Duration.ZERO));
			}
			Thread.sleep(WRITE_TIMEOUT.plus(MARGIN).toMillis());
			assertClosedWithoutWaitingForTheClient(slow);
		}
	}

	@Test
	void whenSseClientSocketStaysUnwritableWhileMessagesWaitThenItsConnectionIsClosed() throws Exception {
		TestPipelineChannel channel = TestPipelineChannel.of("open-slow-sse-2");
		try (RawTestClient slow = RawTestClient.connect(this.port);
				SseTestClient reader = SseTestClient.connect(this.port, "/realtime/sse?history=none",
						mint(channel.name(), Duration.ofMinutes(5)), null)) {
			slow.subscribeSse("/realtime/sse?history=none&token=" + mint(channel.name(), Duration.ofMinutes(5)));
			reader.next("subscribed");
			// far fewer than the subscriber buffer, but for longer than the write timeout
			int published = fill(channel) + publishSmall(channel, 30, Duration.ofMillis(100));
			assertReceivesAll(reader, published);
			Thread.sleep(WRITE_TIMEOUT.plus(MARGIN).toMillis());
			assertClosedWithoutWaitingForTheClient(slow);
		}
	}

	@Test
	void whenTokenOfSseClientThatDoesNotReadExpiresThenItsConnectionIsClosed() throws Exception {
		TestPipelineChannel channel = TestPipelineChannel.of("open-slow-sse-3");
		try (RawTestClient slow = RawTestClient.connect(this.port)) {
			slow.subscribeSse("/realtime/sse?history=none&token=" + mint(channel.name(), Duration.ofSeconds(2)));
			fill(channel);
			// the token expires 2s after it was minted
			Thread.sleep(Duration.ofSeconds(2).plus(WRITE_TIMEOUT).plus(MARGIN).toMillis());
			assertClosedWithoutWaitingForTheClient(slow);
		}
	}

	@Test
	void whenWebSocketClientFallsTooFarBehindThenItsConnectionIsClosedWithinTheWriteTimeout() throws Exception {
		TestPipelineChannel channel = TestPipelineChannel.of("open-slow-ws-1");
		try (RawTestClient slow = RawTestClient.connect(this.port);
				WebSocketTestClient reader = WebSocketTestClient.connect(this.port, null)) {
			slow.subscribeWebSocket(mint(channel.name(), Duration.ofMinutes(5)));
			reader.send("{\"type\":\"subscribe\",\"token\":\"" + mint(channel.name(), Duration.ofMinutes(5))
					+ "\",\"history\":\"none\"}");
			assertThat(reader.next().path("type").asString()).isEqualTo("subscribed");
			assertReceivesAll(reader, fill(channel));
			for (int batch = 0; batch < 11; batch++) {
				assertReceivesAll(reader, publishSmall(channel, 100, Duration.ZERO));
			}
			Thread.sleep(WRITE_TIMEOUT.plus(MARGIN).toMillis());
			assertClosedWithoutWaitingForTheClient(slow);
		}
	}

	@Test
	void whenWebSocketClientSocketStaysUnwritableWhileMessagesWaitThenItsConnectionIsClosed() throws Exception {
		TestPipelineChannel channel = TestPipelineChannel.of("open-slow-ws-2");
		try (RawTestClient slow = RawTestClient.connect(this.port);
				WebSocketTestClient reader = WebSocketTestClient.connect(this.port, null)) {
			slow.subscribeWebSocket(mint(channel.name(), Duration.ofMinutes(5)));
			reader.send("{\"type\":\"subscribe\",\"token\":\"" + mint(channel.name(), Duration.ofMinutes(5))
					+ "\",\"history\":\"none\"}");
			assertThat(reader.next().path("type").asString()).isEqualTo("subscribed");
			int published = fill(channel) + publishSmall(channel, 30, Duration.ofMillis(100));
			assertReceivesAll(reader, published);
			Thread.sleep(WRITE_TIMEOUT.plus(MARGIN).toMillis());
			assertClosedWithoutWaitingForTheClient(slow);
		}
	}

	@Test
	void whenTokenOfWebSocketClientThatDoesNotReadExpiresThenItsConnectionIsClosed() throws Exception {
		TestPipelineChannel channel = TestPipelineChannel.of("open-slow-ws-3");
		try (RawTestClient slow = RawTestClient.connect(this.port)) {
			slow.subscribeWebSocket(mint(channel.name(), Duration.ofSeconds(2)));
			fill(channel);
			Thread.sleep(Duration.ofSeconds(2).plus(WRITE_TIMEOUT).plus(MARGIN).toMillis());
			assertClosedWithoutWaitingForTheClient(slow);
		}
	}

	@Test
	void whenWebSocketClientThatDoesNotReadUnsubscribesAndClosesThenItsConnectionIsClosed() throws Exception {
		TestPipelineChannel channel = TestPipelineChannel.of("open-slow-ws-4");
		try (RawTestClient slow = RawTestClient.connect(this.port)) {
			slow.subscribeWebSocket(mint(channel.name(), Duration.ofMinutes(5)));
			fill(channel);
			slow.sendText("{\"type\":\"unsubscribe\",\"channel\":\"" + channel.name() + "\"}");
			slow.sendClose();
			Thread.sleep(WRITE_TIMEOUT.plus(MARGIN).toMillis());
			assertClosedWithoutWaitingForTheClient(slow);
		}
	}

	@Test
	void whenSlowClientsResetTheirConnectionsThenNothingIsLoggedAsAnErrorOrWarning(CapturedOutput output)
			throws Exception {
		int logged = output.getAll().length();
		TestPipelineChannel channel = TestPipelineChannel.of("open-slow-reset-1");
		List<RawTestClient> streaming = List.of(RawTestClient.connect(this.port), RawTestClient.connect(this.port));
		List<RawTestClient> cutOff = List.of(RawTestClient.connect(this.port), RawTestClient.connect(this.port));
		for (List<RawTestClient> clients : List.of(streaming, cutOff)) {
			clients.get(0)
				.subscribeSse("/realtime/sse?history=none&token=" + mint(channel.name(), Duration.ofMinutes(5)));
			clients.get(1).subscribeWebSocket(mint(channel.name(), Duration.ofMinutes(5)));
		}
		fill(channel);
		// while messages wait for them
		for (RawTestClient client : streaming) {
			client.reset();
		}
		publishSmall(channel, 1100, Duration.ZERO);
		// once told they are too slow, while their connections close
		for (RawTestClient client : cutOff) {
			client.reset();
		}
		publishSmall(channel, 20, Duration.ofMillis(50));
		Thread.sleep(WRITE_TIMEOUT.plus(MARGIN).toMillis());
		assertThat(output.getAll()
			.substring(logged)
			.lines()
			.filter((line) -> line.contains("ERROR") || line.contains("WARN"))).isEmpty();
	}

	/**
	 * Assert that the server closed its end of the connection without waiting for the
	 * client to read: where the system tells, before the client reads anything more; then
	 * the client, reading what the kernel still held for it, comes to the end of the
	 * stream.
	 */
	private static void assertClosedWithoutWaitingForTheClient(RawTestClient client) throws IOException {
		Boolean established = client.isEstablishedOnTheServer();
		if (established != null) {
			assertThat(established).as("the server's end of the connection is established").isFalse();
		}
		assertThat(client.drain(DRAIN).ended()).as("the end of the stream").isTrue();
	}

	private int fill(TestPipelineChannel channel) {
		for (int i = 0; i < FILLING; i++) {
			this.publisher.publish(channel.tokens(), new Token(BIG));
		}
		return FILLING;
	}

	private int publishSmall(TestPipelineChannel channel, int count, Duration pause) throws InterruptedException {
		for (int i = 0; i < count; i++) {
			this.publisher.publish(channel.tokens(), new Token("small " + i));
			Thread.sleep(pause.toMillis());
		}
		return count;
	}

	private static void assertReceivesAll(SseTestClient reader, int count) throws InterruptedException {
		for (int i = 0; i < count; i++) {
			assertThat(reader.next("message")).isNotNull();
		}
	}

	private static void assertReceivesAll(WebSocketTestClient reader, int count) throws InterruptedException {
		for (int i = 0; i < count; i++) {
			assertThat(reader.next().path("type").asString()).isEqualTo("message");
		}
	}

	private String mint(String channel, Duration ttl) {
		return this.tokens.mint(new TokenRequest(channel, Set.of("tokens"), Set.of(), ttl)).token();
	}

}
