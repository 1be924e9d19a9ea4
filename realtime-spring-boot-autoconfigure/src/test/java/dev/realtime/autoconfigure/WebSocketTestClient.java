package dev.realtime.autoconfigure;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.publisher.Sinks;
import reactor.netty.http.client.HttpClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpHeaders;
import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.client.ReactorNettyWebSocketClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A WebSocket client over a real socket that queues the frames it receives.
 */
final class WebSocketTestClient implements AutoCloseable {

	private static final JsonMapper json = JsonMapper.builder().build();

	private final BlockingQueue<String> frames = new LinkedBlockingQueue<>();

	private final Sinks.Many<Frame> outbound = Sinks.many().unicast().onBackpressureBuffer();

	private final CompletableFuture<CloseStatus> closeStatus = new CompletableFuture<>();

	private final Disposable connection;

	private WebSocketTestClient(int port, @Nullable String origin) {
		HttpHeaders headers = new HttpHeaders();
		if (origin != null) {
			headers.setOrigin(origin);
		}
		this.connection = new ReactorNettyWebSocketClient()
			.execute(URI.create("ws://127.0.0.1:" + port + "/realtime/ws"), headers, (session) -> {
				session.closeStatus().subscribe(this.closeStatus::complete);
				return session
					.send(this.outbound.asFlux()
						.map((frame) -> new WebSocketMessage(frame.type(),
								session.bufferFactory().wrap(frame.payload()))))
					.and(session.receive().doOnNext((message) -> this.frames.add(message.getPayloadAsText())));
			})
			.subscribe();
	}

	static WebSocketTestClient connect(int port, @Nullable String origin) {
		return new WebSocketTestClient(port, origin);
	}

	static int handshakeStatus(int port, String origin) {
		return HttpClient.create()
			.headers((headers) -> headers.add("Origin", origin)
				.add("Connection", "Upgrade")
				.add("Upgrade", "websocket")
				.add("Sec-WebSocket-Version", "13")
				.add("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="))
			.get()
			.uri("http://127.0.0.1:" + port + "/realtime/ws")
			.response()
			.map((response) -> response.status().code())
			.toFuture()
			.join();
	}

	void send(String frame) {
		send(frame.getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * Send a text frame of these bytes, as they are, even when they are not UTF-8.
	 * @param frame the frame's payload
	 */
	void send(byte[] frame) {
		this.outbound.tryEmitNext(new Frame(WebSocketMessage.Type.TEXT, frame));
	}

	/**
	 * Send a binary frame.
	 * @param frame the frame's payload
	 */
	void sendBinary(byte[] frame) {
		this.outbound.tryEmitNext(new Frame(WebSocketMessage.Type.BINARY, frame));
	}

	JsonNode next() throws InterruptedException {
		return json.readTree(nextText());
	}

	@Nullable String poll(Duration timeout) throws InterruptedException {
		return this.frames.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
	}

	String nextText() throws InterruptedException {
		String frame = this.frames.poll(10, TimeUnit.SECONDS);
		assertThat(frame).as("a frame within 10 seconds").isNotNull();
		return frame;
	}

	CloseStatus closeStatus() throws Exception {
		return this.closeStatus.get(10, TimeUnit.SECONDS);
	}

	@Override
	public void close() {
		this.outbound.tryEmitComplete();
		this.connection.dispose();
	}

	private record Frame(WebSocketMessage.Type type, byte[] payload) {

	}

}
