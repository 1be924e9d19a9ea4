package dev.realtime.server.webflux;

import java.time.Duration;
import java.util.function.Function;

import dev.realtime.delivery.StreamLoop;
import dev.realtime.engine.EngineMessage;
import dev.realtime.server.MessageFrames;
import dev.realtime.server.SseOutput;
import dev.realtime.server.SseSession;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Sinks;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.core.io.buffer.DataBufferUtils;

/**
 * Writes an SSE stream as the {@code Flux} body of any WebFlux response, wrapping the
 * shared bytes of each message. The stream counts as writable while the response is less
 * than a few frames behind what it asked for. When the stream ends and the response has
 * not asked for its last frames within the write timeout, the body ends without them, so
 * that a client which stopped reading does not keep it open. It lives on a worker loop,
 * since the server gives it none of its own.
 *
 * @author Realtime team
 */
final class FluxSseOutput implements SseOutput {

	private final StreamLoop loop;

	private final FluxSink<DataBuffer> sink;

	private final DataBufferFactory bufferFactory;

	private final Duration writeTimeout;

	private final Sinks.Empty<Void> cutOff;

	private final FluxDemand demand = new FluxDemand();

	private @Nullable Runnable whenWritable;

	private FluxSseOutput(StreamLoop loop, FluxSink<DataBuffer> sink, DataBufferFactory bufferFactory,
			Duration writeTimeout, Sinks.Empty<Void> cutOff) {
		this.loop = loop;
		this.sink = sink;
		this.bufferFactory = bufferFactory;
		this.writeTimeout = writeTimeout;
		this.cutOff = cutOff;
	}

	/**
	 * Return the body of a response that streams a session.
	 * @param loop the loop of the stream
	 * @param bufferFactory the response's buffer factory
	 * @param writeTimeout how long the response may take to ask for the last frames once
	 * the stream ended
	 * @param session creates the session for the output
	 * @return the body
	 */
	static Flux<DataBuffer> stream(StreamLoop loop, DataBufferFactory bufferFactory, Duration writeTimeout,
			Function<SseOutput, SseSession> session) {
		Sinks.Empty<Void> cutOff = Sinks.empty();
		return Flux.<DataBuffer>create((sink) -> {
			FluxSseOutput output = new FluxSseOutput(loop, sink, bufferFactory, writeTimeout, cutOff);
			SseSession started = session.apply(output);
			sink.onDispose(started::cancel);
			sink.onRequest((requested) -> loop.execute(() -> output.requested(requested)));
			started.start();
		}).takeUntilOther(cutOff.asMono()).doOnDiscard(DataBuffer.class, DataBufferUtils::release);
	}

	private void requested(long count) {
		this.demand.requested(count);
		runWhenWritable();
	}

	private void runWhenWritable() {
		Runnable task = this.whenWritable;
		if (task != null && isWritable()) {
			this.whenWritable = null;
			task.run();
		}
	}

	@Override
	public StreamLoop loop() {
		return this.loop;
	}

	@Override
	public void writeMessage(EngineMessage message) {
		write(message.frame(MessageFrames.SSE));
	}

	@Override
	public void write(byte[] frame) {
		this.demand.written();
		this.sink.next(this.bufferFactory.wrap(frame));
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
		this.whenWritable = task;
		runWhenWritable();
	}

	@Override
	public void complete() {
		this.sink.complete();
		if (this.demand.isBehind()) {
			this.loop.schedule(this.cutOff::tryEmitEmpty, this.writeTimeout);
		}
	}

}
