package dev.realtime.server;

import dev.realtime.delivery.StreamLoop;
import dev.realtime.engine.EngineMessage;

/**
 * Where a {@link WebSocketConnection} writes its frames: a Reactor Netty channel
 * directly, or any WebFlux {@code WebSocketSession} through a {@code Flux}. Every method
 * but {@link #loop()} is called on that loop.
 *
 * @author Realtime team
 * @since 0.1.0
 */
public interface WebSocketOutput {

	/**
	 * Return the loop on which this output is written.
	 * @return the loop
	 */
	StreamLoop loop();

	/**
	 * Write the {@code message} frame of a message, shared by every subscriber.
	 * @param message the message
	 */
	void writeMessage(EngineMessage message);

	/**
	 * Write a text frame of this connection only.
	 * @param json the frame's JSON, UTF-8
	 */
	void writeText(byte[] json);

	/**
	 * Write a ping.
	 */
	void ping();

	/**
	 * Send what was written.
	 */
	void flush();

	/**
	 * Tell whether the client keeps up, so that more frames should be written now.
	 * @return {@code false} to hold frames back until the tasks of {@link #whenWritable}
	 * run
	 */
	boolean isWritable();

	/**
	 * Run a task once the output is writable again.
	 * @param task the task
	 */
	void whenWritable(Runnable task);

	/**
	 * Close the connection after what was written; nothing is written after.
	 * @param status the close status
	 */
	void close(RealtimeCloseStatus status);

}
