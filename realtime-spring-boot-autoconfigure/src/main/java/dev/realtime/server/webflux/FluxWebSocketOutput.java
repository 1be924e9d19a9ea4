package dev.realtime.server.webflux;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import dev.realtime.engine.EngineMessage;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Mono;

import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.WebSocketSession;

/**
 * Writes WebSocket frames through any WebFlux {@link WebSocketSession}, wrapping the
 * shared bytes of each message; the session's demand decides when it is writable. The
 * connection lives on a worker loop, since the server gives it none of its own.
 *
 * @author Realtime team
 */
final class FluxWebSocketOutput implements WebSocketOutput {

	private final StreamLoop loop;

	private final WebSocketSession session;

	private final FluxSink<WebSocketMessage> sink;

	private final List<Runnable> whenWritable = new ArrayList<>(2);

	private FluxWebSocketOutput(StreamLoop loop, WebSocketSession session, FluxSink<WebSocketMessage> sink) {
		this.loop = loop;
		this.session = session;
		this.sink = sink;
	}

	/**
	 * Send what a connection writes to a session.
	 * @param loop the loop of the connection
	 * @param session the session
	 * @param connection runs the connection on the output
	 * @return completes when the session's sending ends
	 */
	static Mono<Void> send(StreamLoop loop, WebSocketSession session, Consumer<WebSocketOutput> connection) {
		return session.send(Flux.create((sink) -> {
			FluxWebSocketOutput output = new FluxWebSocketOutput(loop, session, sink);
			sink.onRequest((requested) -> loop.execute(output::requested));
			connection.accept(output);
		}));
	}

	private void requested() {
		List<Runnable> tasks = List.copyOf(this.whenWritable);
		this.whenWritable.clear();
		tasks.forEach(Runnable::run);
	}

	@Override
	public StreamLoop loop() {
		return this.loop;
	}

	@Override
	public void writeMessage(EngineMessage message) {
		writeText(message.frame(RealtimeWebSocketHandler.MESSAGE_JSON));
	}

	@Override
	public void writeText(byte[] json) {
		this.sink.next(new WebSocketMessage(WebSocketMessage.Type.TEXT, this.session.bufferFactory().wrap(json)));
	}

	@Override
	public void ping() {
		this.sink.next(this.session.pingMessage((factory) -> factory.wrap(new byte[0])));
	}

	@Override
	public void flush() {
	}

	@Override
	public boolean isWritable() {
		return this.sink.requestedFromDownstream() > 0;
	}

	@Override
	public void whenWritable(Runnable task) {
		this.whenWritable.add(task);
		if (isWritable()) {
			requested();
		}
	}

	@Override
	public void close(CloseStatus status) {
		this.sink.complete();
		this.session.close(status).subscribe();
	}

}
