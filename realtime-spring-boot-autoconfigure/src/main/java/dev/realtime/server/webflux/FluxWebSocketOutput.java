package dev.realtime.server.webflux;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import dev.realtime.delivery.StreamLoop;
import dev.realtime.engine.EngineMessage;
import dev.realtime.server.MessageFrames;
import dev.realtime.server.RealtimeCloseStatus;
import dev.realtime.server.WebSocketOutput;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.log.LogMessage;
import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.WebSocketSession;

/**
 * Writes WebSocket frames through any WebFlux {@link WebSocketSession}, wrapping the
 * shared bytes of each message. The connection counts as writable while the session is
 * less than a few frames behind what it asked for, and closing waits until the session
 * sent every frame written before, for at most the write timeout: then the frames still
 * waiting are dropped and the session is closed, so that a client which stopped reading
 * does not keep it open. The connection lives on a worker loop, since the server gives it
 * none of its own.
 *
 * @author Realtime team
 */
final class FluxWebSocketOutput implements WebSocketOutput {

	private static final Log logger = LogFactory.getLog(FluxWebSocketOutput.class);

	private final StreamLoop loop;

	private final WebSocketSession session;

	private final FluxSink<WebSocketMessage> sink;

	private final Closing closing;

	private final FluxDemand demand = new FluxDemand();

	private final List<Runnable> whenWritable = new ArrayList<>(2);

	private FluxWebSocketOutput(StreamLoop loop, WebSocketSession session, FluxSink<WebSocketMessage> sink,
			Closing closing) {
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
	 * @param writeTimeout how long closing may wait for the frames written before
	 * @param connection runs the connection on the output
	 * @return completes when the session's sending ended
	 */
	static Mono<Void> send(StreamLoop loop, WebSocketSession session, Duration writeTimeout,
			Consumer<WebSocketOutput> connection) {
		Closing closing = new Closing(session, writeTimeout);
		return session.send(Flux.<WebSocketMessage>create((sink) -> {
			FluxWebSocketOutput output = new FluxWebSocketOutput(loop, session, sink, closing);
			sink.onRequest((requested) -> loop.execute(() -> output.requested(requested)));
			connection.accept(output);
		})
			.takeUntilOther(closing.cutOff.asMono())
			.doOnDiscard(WebSocketMessage.class, (message) -> DataBufferUtils.release(message.getPayload())))
			.then(Mono.defer(closing::closeSession));
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
		writeText(message.frame(MessageFrames.WEB_SOCKET));
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
	public void close(RealtimeCloseStatus realtimeStatus) {
		CloseStatus status = RealtimeWebSocketHandler.closeStatus(realtimeStatus);
		// the session closes once it sent what was written before, or at the deadline
		if (this.closing.status == null) {
			this.closing.status = status;
			this.sink.complete();
			this.loop.schedule(this.closing::cutOff, this.closing.writeTimeout);
		}
	}

	/**
	 * How a session closes: with the status the connection asked for, once, after the
	 * frames written before or at the deadline without them.
	 */
	private static final class Closing {

		private final WebSocketSession session;

		private final Duration writeTimeout;

		private final Sinks.Empty<Void> cutOff = Sinks.empty();

		private final AtomicBoolean closed = new AtomicBoolean();

		/** The status the connection asked for, set on its loop. */
		private volatile @Nullable CloseStatus status;

		Closing(WebSocketSession session, Duration writeTimeout) {
			this.session = session;
			this.writeTimeout = writeTimeout;
		}

		/**
		 * Close the session with the status asked for, if any and not yet done.
		 * @return completes when the session is closed
		 */
		Mono<Void> closeSession() {
			CloseStatus status = this.status;
			return (status != null && this.closed.compareAndSet(false, true)) ? this.session.close(status)
					: Mono.empty();
		}

		/**
		 * The deadline: drop the frames still waiting and close the session, unless it is
		 * closed already.
		 */
		void cutOff() {
			this.cutOff.tryEmitEmpty();
			closeSession().subscribe(null, (ex) -> logger
				.debug(LogMessage.format("Closing WebSocket session %s failed", this.session.getId()), ex));
		}

	}

}
