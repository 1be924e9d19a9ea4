package dev.realtime.run;

import java.time.Duration;
import java.util.concurrent.TimeoutException;

import dev.realtime.Channel;
import dev.realtime.RealtimeMessage;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A run started on this node: its id and status, its result, and a way to cancel it.
 *
 * @param <R> the result type
 * @author Realtime team
 * @since 0.1.0
 */
public interface RunHandle<R> {

	/**
	 * Return the run id.
	 * @return the run id
	 */
	String runId();

	/**
	 * Return the channel the run is bound to.
	 * @return the channel
	 */
	Channel channel();

	/**
	 * Return the current status.
	 * @return the status
	 */
	RunStatus status();

	/**
	 * Wait for the run to end, once its terminal status is published. Not for event-loop
	 * threads: reactive code uses {@link #result()}.
	 * @param timeout how long to wait
	 * @return the result of the run
	 * @throws RunFailureException if the run failed; its cause is the last attempt's
	 * exception
	 * @throws java.util.concurrent.CancellationException if the run was cancelled
	 * @throws TimeoutException if the run did not end in time
	 * @throws InterruptedException if the waiting thread was interrupted
	 * @throws IllegalStateException if called on a non-blocking thread
	 */
	@Nullable R await(Duration timeout) throws InterruptedException, TimeoutException;

	/**
	 * Return the result once the run has ended and its terminal status is published.
	 * Cancelling the subscription does not cancel the run.
	 * @return the result, or a {@link RunFailureException} or
	 * {@link java.util.concurrent.CancellationException} error; empty if the work
	 * returned {@code null}
	 */
	Mono<R> result();

	/**
	 * Cancel the run: no further attempt starts, the current one is interrupted, its
	 * later publishes are refused and {@code cancelled} is published. Does not block.
	 * @return whether this call cancelled the run, {@code false} if it had already ended
	 */
	boolean cancel();

	/**
	 * Observe the run's messages: those the channel history still holds, then live ones,
	 * including its lifecycle statuses, completing after the terminal one.
	 * @return the messages of the run, payloads decoded to their topic types and
	 * lifecycle payloads as JSON trees
	 * @see RealtimeRuns#observe(Channel, String)
	 */
	Flux<RealtimeMessage<Object>> messages();

}
