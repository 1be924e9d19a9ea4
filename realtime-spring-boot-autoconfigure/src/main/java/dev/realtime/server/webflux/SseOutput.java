package dev.realtime.server.webflux;

import java.time.Duration;

import dev.realtime.engine.EngineMessage;
import reactor.core.Disposable;

/**
 * Where an {@link SseSession} writes its frames: a Reactor Netty connection directly, or
 * any WebFlux response through a {@code Flux}. Every method but {@link #execute} and the
 * scheduling ones is called from the session's drain only, one call at a time.
 *
 * @author Realtime team
 */
interface SseOutput {

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
	 * Run a task once the output is writable again.
	 * @param task the task
	 */
	void whenWritable(Runnable task);

	/**
	 * Run the session's drain where this output may be written.
	 * @param drain the drain
	 */
	void execute(Runnable drain);

	/**
	 * Run a task after a delay, where {@link #execute} runs tasks.
	 * @param task the task
	 * @param delay the delay
	 * @return cancels the task
	 */
	Disposable schedule(Runnable task, Duration delay);

	/**
	 * Run a task periodically, where {@link #execute} runs tasks.
	 * @param task the task
	 * @param period the period
	 * @return cancels the task
	 */
	Disposable schedulePeriodically(Runnable task, Duration period);

	/**
	 * End the response once everything written is sent.
	 */
	void complete();

}
