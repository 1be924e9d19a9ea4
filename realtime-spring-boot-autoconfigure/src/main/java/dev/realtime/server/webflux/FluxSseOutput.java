package dev.realtime.server.webflux;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import dev.realtime.engine.EngineMessage;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.scheduler.Schedulers;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;

/**
 * Writes an SSE stream as the {@code Flux} body of any WebFlux response, wrapping the
 * shared bytes of each message; the client's demand decides when it is writable.
 *
 * @author Realtime team
 */
final class FluxSseOutput implements SseOutput {

	private static final Function<EngineMessage, byte[]> MESSAGE_FRAME = RealtimeSseHandler::encodeMessage;

	private final FluxSink<DataBuffer> sink;

	private final DataBufferFactory bufferFactory;

	private FluxSseOutput(FluxSink<DataBuffer> sink, DataBufferFactory bufferFactory) {
		this.sink = sink;
		this.bufferFactory = bufferFactory;
	}

	/**
	 * Return the body of a response that streams a session.
	 * @param session the session
	 * @param bufferFactory the response's buffer factory
	 * @return the body
	 */
	static Flux<DataBuffer> stream(SseSession session, DataBufferFactory bufferFactory) {
		return Flux.create((sink) -> {
			sink.onDispose(session::cancel);
			FluxSseOutput output = new FluxSseOutput(sink, bufferFactory);
			session.start(output);
			sink.onRequest((requested) -> session.writable());
		});
	}

	@Override
	public void writeMessage(EngineMessage message) {
		this.sink.next(this.bufferFactory.wrap(message.frame(MESSAGE_FRAME)));
	}

	@Override
	public void write(byte[] frame) {
		this.sink.next(this.bufferFactory.wrap(frame));
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
		// the session drains again on the next request
	}

	@Override
	public void execute(Runnable drain) {
		drain.run();
	}

	@Override
	public Disposable schedule(Runnable task, Duration delay) {
		return Schedulers.parallel().schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
	}

	@Override
	public Disposable schedulePeriodically(Runnable task, Duration period) {
		long millis = period.toMillis();
		return Schedulers.parallel().schedulePeriodically(task, millis, millis, TimeUnit.MILLISECONDS);
	}

	@Override
	public void complete() {
		this.sink.complete();
	}

}
