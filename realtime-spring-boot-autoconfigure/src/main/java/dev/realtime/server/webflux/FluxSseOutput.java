package dev.realtime.server.webflux;

import java.util.function.Function;

import dev.realtime.engine.EngineMessage;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;

/**
 * Writes an SSE stream as the {@code Flux} body of any WebFlux response, wrapping the
 * shared bytes of each message. The stream counts as writable while the response is less
 * than a few frames behind what it asked for. It lives on a worker loop, since the server
 * gives it none of its own.
 *
 * @author Realtime team
 */
final class FluxSseOutput implements SseOutput {

	private final StreamLoop loop;

	private final FluxSink<DataBuffer> sink;

	private final DataBufferFactory bufferFactory;

	private final FluxDemand demand = new FluxDemand();

	private @Nullable Runnable whenWritable;

	private FluxSseOutput(StreamLoop loop, FluxSink<DataBuffer> sink, DataBufferFactory bufferFactory) {
		this.loop = loop;
		this.sink = sink;
		this.bufferFactory = bufferFactory;
	}

	/**
	 * Return the body of a response that streams a session.
	 * @param loop the loop of the stream
	 * @param bufferFactory the response's buffer factory
	 * @param session creates the session for the output
	 * @return the body
	 */
	static Flux<DataBuffer> stream(StreamLoop loop, DataBufferFactory bufferFactory,
			Function<SseOutput, SseSession> session) {
		return Flux.create((sink) -> {
			FluxSseOutput output = new FluxSseOutput(loop, sink, bufferFactory);
			SseSession started = session.apply(output);
			sink.onDispose(started::cancel);
			sink.onRequest((requested) -> loop.execute(() -> output.requested(requested)));
			started.start();
		});
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
		write(message.frame(RealtimeSseHandler.MESSAGE_FRAME));
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
	}

}
