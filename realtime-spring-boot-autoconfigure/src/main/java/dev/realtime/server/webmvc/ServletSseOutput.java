package dev.realtime.server.webmvc;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.function.Function;

import dev.realtime.delivery.StreamLoop;
import dev.realtime.engine.EngineMessage;
import dev.realtime.server.MessageFrames;
import dev.realtime.server.SseOutput;
import dev.realtime.server.SseSession;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.core.log.LogMessage;

/**
 * Writes an SSE stream to an async Servlet response with non-blocking I/O: no thread is
 * held while the stream is open. Frames go to the container while its output stream is
 * {@link ServletOutputStream#isReady() ready} and wait, in order, until it calls
 * {@link WriteListener#onWritePossible()} when it is not; the stream counts as writable
 * while nothing waits. Every write happens on the stream's worker loop, which the
 * container's callbacks hand over to. When the stream ends, the response completes once
 * what was written is handed over, or after the write timeout without the rest, so that a
 * client which stopped reading does not keep it open.
 *
 * @author Realtime team
 */
final class ServletSseOutput implements SseOutput, WriteListener, AsyncListener {

	private static final Log logger = LogFactory.getLog(ServletSseOutput.class);

	private final StreamLoop loop;

	private final AsyncContext async;

	private final ServletOutputStream out;

	private final Duration writeTimeout;

	private final Runnable onEnd;

	/** Frames the container could not take yet, in order. */
	private final ArrayDeque<byte[]> waiting = new ArrayDeque<>(4);

	private @Nullable SseSession session;

	private boolean started;

	private @Nullable Runnable whenWritable;

	private boolean flushWanted;

	private boolean completing;

	private boolean ended;

	/**
	 * Whether the container completed the response, after which it recycles the request
	 * and response objects: nothing may touch them any more.
	 */
	private volatile boolean released;

	private ServletSseOutput(StreamLoop loop, AsyncContext async, ServletOutputStream out, Duration writeTimeout,
			Runnable onEnd) {
		this.loop = loop;
		this.async = async;
		this.out = out;
		this.writeTimeout = writeTimeout;
		this.onEnd = onEnd;
	}

	/**
	 * Stream a session on a response whose async processing has started: the session
	 * starts once the container is ready to write.
	 * @param loop the loop of the stream
	 * @param async the response's async context, without a timeout
	 * @param writeTimeout how long the response may take to send its last frames once the
	 * stream ended
	 * @param session creates the session for the output
	 * @param onEnd runs once when the response ends, however it ends
	 * @throws IOException if the response cannot be written
	 */
	static void stream(StreamLoop loop, AsyncContext async, Duration writeTimeout,
			Function<SseOutput, SseSession> session, Runnable onEnd) throws IOException {
		ServletSseOutput output = new ServletSseOutput(loop, async, async.getResponse().getOutputStream(), writeTimeout,
				onEnd);
		output.session = session.apply(output);
		async.addListener(output);
		output.out.setWriteListener(output);
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
		if (this.ended) {
			return;
		}
		if (this.waiting.isEmpty() && isReady()) {
			writeNow(frame);
		}
		else {
			this.waiting.add(frame);
		}
	}

	@Override
	public void flush() {
		this.flushWanted = true;
		drain();
	}

	@Override
	public boolean isWritable() {
		return !this.ended && this.waiting.isEmpty() && isReady();
	}

	@Override
	public void whenWritable(Runnable task) {
		this.whenWritable = task;
		runWhenWritable();
	}

	@Override
	public void complete() {
		if (this.completing || this.ended) {
			return;
		}
		this.completing = true;
		drain();
		if (!this.ended) {
			this.loop.schedule(this::cutOff, this.writeTimeout);
		}
	}

	// on the container's thread
	@Override
	public void onWritePossible() {
		this.loop.execute(this::writePossible);
	}

	private void writePossible() {
		SseSession session = this.session;
		if (session != null && !this.started && !this.ended) {
			// the first call: the response is ready for the stream
			this.started = true;
			session.start();
		}
		drain();
		runWhenWritable();
	}

	// writes what waits, then flushes, as far as the container takes it now
	private void drain() {
		while (!this.ended && !this.waiting.isEmpty() && isReady()) {
			writeNow(this.waiting.poll());
		}
		if (!this.ended && this.waiting.isEmpty() && this.flushWanted && isReady()) {
			this.flushWanted = false;
			try {
				this.out.flush();
			}
			catch (IOException | RuntimeException ex) {
				failed(ex);
			}
		}
		if (this.completing && !this.ended && this.waiting.isEmpty() && !this.flushWanted) {
			end(true);
		}
	}

	private void runWhenWritable() {
		Runnable task = this.whenWritable;
		if (task != null && isWritable()) {
			this.whenWritable = null;
			task.run();
		}
	}

	private boolean isReady() {
		if (this.released) {
			end(false);
			return false;
		}
		try {
			return this.out.isReady();
		}
		catch (RuntimeException ex) {
			// the response is over: completed by the container meanwhile
			failed(ex);
			return false;
		}
	}

	private void writeNow(byte[] frame) {
		try {
			this.out.write(frame);
		}
		catch (IOException | RuntimeException ex) {
			failed(ex);
		}
	}

	private void cutOff() {
		if (!this.ended) {
			logger.debug("Closing an SSE response whose client did not take its last frames within the write timeout");
			if (!this.released) {
				try {
					ServletConnections.abort(this.async.getResponse());
				}
				catch (RuntimeException ex) {
					// completed by the container meanwhile
				}
			}
			end(true);
		}
	}

	private void failed(Throwable ex) {
		if (!this.ended) {
			logger.debug(LogMessage.format("SSE response failed: %s", ex.getMessage()));
			end(true);
		}
	}

	// on the loop, once
	private void end(boolean completeResponse) {
		if (this.ended) {
			return;
		}
		this.ended = true;
		this.waiting.clear();
		this.whenWritable = null;
		SseSession session = this.session;
		if (session != null) {
			// stops the stream if the client went first; nothing if the stream ended
			session.cancel();
		}
		if (completeResponse) {
			completeNow();
		}
		this.onEnd.run();
	}

	// the client is gone, or the container gave up on the response

	@Override
	public void onError(Throwable ex) {
		// complete before returning, or the container dispatches to the error page
		completeNow();
		this.loop.execute(() -> failed(ex));
	}

	@Override
	public void onComplete(AsyncEvent event) {
		this.released = true;
		this.loop.execute(() -> end(false));
	}

	@Override
	public void onTimeout(AsyncEvent event) {
		completeNow();
		this.loop.execute(() -> end(false));
	}

	@Override
	public void onError(AsyncEvent event) {
		// complete before returning, or the container dispatches to the error page
		completeNow();
		this.loop.execute(() -> end(false));
	}

	private void completeNow() {
		if (this.released) {
			return;
		}
		try {
			this.async.complete();
		}
		catch (RuntimeException ex) {
			// already completed, and perhaps recycled, by the container
		}
	}

	@Override
	public void onStartAsync(AsyncEvent event) {
	}

}
