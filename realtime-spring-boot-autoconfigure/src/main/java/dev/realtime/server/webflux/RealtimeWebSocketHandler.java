package dev.realtime.server.webflux;

import java.nio.ByteBuffer;
import java.util.function.Function;

import dev.realtime.server.RealtimeCloseStatus;
import dev.realtime.server.RealtimeHub;
import dev.realtime.server.WebSocketConnection;
import dev.realtime.server.WebSocketOutput;
import io.netty.channel.EventLoop;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.util.Assert;
import org.springframework.util.ClassUtils;
import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.WebSocketSession;
import org.springframework.web.server.ServerWebExchange;

/**
 * The realtime WebSocket protocol on {@code GET {base}/ws}: one connection carries
 * several channel subscriptions, each authorized by its own token, refreshed in-band.
 * Messages are written as pre-encoded frames shared by every subscriber; the state of
 * each connection lives in its {@link WebSocketConnection}.
 *
 * @author Realtime team
 * @since 0.1.0
 */
public final class RealtimeWebSocketHandler implements WebSocketHandler {

	private static final boolean REACTOR_NETTY_PRESENT = ClassUtils.isPresent("reactor.netty.Connection",
			RealtimeWebSocketHandler.class.getClassLoader());

	private final RealtimeHub hub;

	private final boolean nettyOutput;

	/**
	 * Create a new handler that writes straight to Reactor Netty channels when it runs on
	 * Reactor Netty.
	 * @param hub the hub
	 */
	public RealtimeWebSocketHandler(RealtimeHub hub) {
		this(hub, true);
	}

	/**
	 * Create a new handler.
	 * @param hub the hub
	 * @param nettyOutput whether to write straight to Reactor Netty channels when it runs
	 * on Reactor Netty, rather than through each session's {@code Flux}
	 */
	public RealtimeWebSocketHandler(RealtimeHub hub, boolean nettyOutput) {
		Assert.notNull(hub, "'hub' must not be null");
		this.hub = hub;
		this.nettyOutput = nettyOutput && REACTOR_NETTY_PRESENT;
	}

	/**
	 * Return the handler of one handshake. On Reactor Netty, it writes straight to the
	 * handshake's channel.
	 * @param exchange the handshake
	 * @return the handler
	 */
	WebSocketHandler handlerFor(ServerWebExchange exchange) {
		if (!this.nettyOutput) {
			return this;
		}
		return (session) -> {
			// after the handshake, on the channel it upgraded
			Function<WebSocketSession, @Nullable WebSocketOutput> outputs = NettyWebSocketOutput.outputs(exchange,
					this.hub.writeTimeout());
			WebSocketOutput output = (outputs != null) ? outputs.apply(session) : null;
			return (output != null) ? run(session, this.hub.webSocketConnection(output)) : handle(session);
		};
	}

	/**
	 * Run a handshake on its connection's event loop when it came to Reactor Netty. A
	 * handshake that reaches the endpoint on another thread, as it does after Spring
	 * Security looked up the request's {@code WebSession}, would otherwise upgrade the
	 * connection from that thread, and Reactor Netty can then take the client's first
	 * frames for the HTTP exchange that ended and drop them.
	 * @param exchange the handshake
	 * @param handshake the handshake's processing
	 * @return the same processing, on the connection's event loop
	 */
	Mono<Void> onEventLoop(ServerWebExchange exchange, Mono<Void> handshake) {
		EventLoop eventLoop = REACTOR_NETTY_PRESENT ? NettyWebSocketOutput.eventLoop(exchange) : null;
		if (eventLoop == null) {
			return handshake;
		}
		return Mono.defer(
				() -> eventLoop.inEventLoop() ? handshake : handshake.subscribeOn(Schedulers.fromExecutor(eventLoop)));
	}

	@Override
	public Mono<Void> handle(WebSocketSession session) {
		// the connection starts when the session subscribes to what it sends; when the
		// client goes first, sending ends too
		Sinks.Empty<Void> reading = Sinks.empty();
		Mono<Void> sending = FluxWebSocketOutput.send(this.hub.workerLoop(), session, this.hub.writeTimeout(),
				(output) -> run(session, this.hub.webSocketConnection(output)).subscribe(null, reading::tryEmitError,
						reading::tryEmitEmpty));
		return sending.or(reading.asMono());
	}

	// read the client's frames, one at a time, until the connection closes
	private static Mono<Void> run(WebSocketSession session, WebSocketConnection connection) {
		connection.start();
		return session.receive().concatMap((message) -> switch (message.getType()) {
			case TEXT -> connection.onText(text(message));
			case BINARY -> connection.onBinary();
			case PING, PONG -> Mono.empty();
		}, 0).then().doFinally((signal) -> connection.disconnected());
	}

	private static @Nullable String text(WebSocketMessage message) {
		DataBuffer payload = message.getPayload();
		byte[] bytes = new byte[payload.readableByteCount()];
		payload.read(bytes);
		return WebSocketConnection.text(ByteBuffer.wrap(bytes));
	}

	/**
	 * Return the WebFlux close status of a realtime one.
	 * @param status the realtime close status
	 * @return the WebFlux one
	 */
	static CloseStatus closeStatus(RealtimeCloseStatus status) {
		return new CloseStatus(status.code(), status.reason().isEmpty() ? null : status.reason());
	}

}
