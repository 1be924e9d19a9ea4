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

	/** How many frames the response may be behind before the output is not writable. */
	private static final int HIGH_WATER = 32;

	private final StreamLoop loop;

	private final FluxSink<DataBuffer> sink;

	private final DataBufferFactory bufferFactory;

	private @Nullable Runnable whenWritable;

	private long written;

	private long requested;

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
		this.requested = (count > Long.MAX_VALUE - this.requested) ? Long.MAX_VALUE : this.requested + count;
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
		this.written++;
		this.sink.next(this.bufferFactory.wrap(frame));
	}

	@Override
	public void flush() {
	}

	@Override
	public boolean isWritable() {
		return this.written - this.requested < HIGH_WATER;
	}

	@Override
	public void whenWritable(Runnable task) {
		this.whenWritable = task;
		requested(0);
	}

	@Override
	public void complete() {
		this.sink.complete();
	}

}
