package dev.realtime.server;

import dev.realtime.delivery.StreamLoop;
import dev.realtime.engine.EngineMessage;

/**
 * Where an {@link SseSession} writes its frames: a Reactor Netty connection directly, or
 * any WebFlux response through a {@code Flux}. Every method but {@link #loop()} is called
 * on that loop.
 *
 * @author Realtime team
 * @since 0.1.0
 */
public interface SseOutput {

	/**
	 * Return the loop on which this output is written.
	 * @return the loop
	 */
	StreamLoop loop();

	/**
	 * Write the SSE frame of a message, shared by every subscriber.
	 * @param message the message
	 */
	void writeMessage(EngineMessage message);

	/**
	 * Write a frame of this stream only.
	 * @param frame the complete SSE frame
	 */
	void write(byte[] frame);

	/**
	 * Send what was written.
	 */
	void flush();

	/**
	 * Tell whether the client keeps up, so that more frames should be written now.
	 * @return {@code false} to hold frames back until {@link #whenWritable} runs
	 */
	boolean isWritable();

	/**
	 * Run a task on the loop once the output is writable again.
	 * @param task the task
	 */
	void whenWritable(Runnable task);

	/**
	 * End the response once everything written is sent.
	 */
	void complete();

}
