package dev.realtime.server.webflux;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
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
 * shared bytes of each message. The connection counts as writable while the session is
 * less than a few frames behind what it asked for, and closing waits until the session
 * sent every frame written before. The connection lives on a worker loop, since the
 * server gives it none of its own.
 *
 * @author Realtime team
 */
final class FluxWebSocketOutput implements WebSocketOutput {

	private final StreamLoop loop;

	private final WebSocketSession session;

	private final FluxSink<WebSocketMessage> sink;

	private final AtomicReference<CloseStatus> closing;

	private final FluxDemand demand = new FluxDemand();

	private final List<Runnable> whenWritable = new ArrayList<>(2);

	private FluxWebSocketOutput(StreamLoop loop, WebSocketSession session, FluxSink<WebSocketMessage> sink,
			AtomicReference<CloseStatus> closing) {
		this.loop = loop;
		this.session = session;
		this.sink = sink;
		this.closing = closing;
	}

	/**
	 * Send what a connection writes to a session, then close the session if the
	 * connection asked to.
	 * @param loop the loop of the connection
	 * @param session the session
	 * @param connection runs the connection on the output
	 * @return completes when the session's sending ended
	 */
	static Mono<Void> send(StreamLoop loop, WebSocketSession session, Consumer<WebSocketOutput> connection) {
		AtomicReference<CloseStatus> closing = new AtomicReference<>();
		return session.send(Flux.create((sink) -> {
			FluxWebSocketOutput output = new FluxWebSocketOutput(loop, session, sink, closing);
			sink.onRequest((requested) -> loop.execute(() -> output.requested(requested)));
			connection.accept(output);
		})).then(Mono.defer(() -> {
			CloseStatus status = closing.get();
			return (status != null) ? session.close(status) : Mono.empty();
		}));
	}

	private void requested(long count) {
		this.demand.requested(count);
		runWhenWritable();
	}

	private void runWhenWritable() {
		if (isWritable() && !this.whenWritable.isEmpty()) {
			List<Runnable> tasks = List.copyOf(this.whenWritable);
			this.whenWritable.clear();
			tasks.forEach(Runnable::run);
		}
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
		send(new WebSocketMessage(WebSocketMessage.Type.TEXT, this.session.bufferFactory().wrap(json)));
	}

	@Override
	public void ping() {
		send(this.session.pingMessage((factory) -> factory.wrap(new byte[0])));
	}

	private void send(WebSocketMessage message) {
		this.demand.written();
		this.sink.next(message);
	}

	@Override
	public void flush() {
	}

	@Override
	public boolean isWritable() {
		return this.demand.isWritable();
	}

	@Override
	public void whenWritable(Runnable task) {
		this.whenWritable.add(task);
		runWhenWritable();
	}

	@Override
	public void close(CloseStatus status) {
		// the session closes once it sent what was written before
		this.closing.compareAndSet(null, status);
		this.sink.complete();
	}

}
