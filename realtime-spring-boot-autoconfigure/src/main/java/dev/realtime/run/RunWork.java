package dev.realtime.run;

/**
 * The work of a run, executed once per attempt.
 *
 * @param <R> the result type, published with the {@code completed} status
 * @author Realtime team
 * @since 0.1.0
 * @see RealtimeRuns#start(dev.realtime.Channel, RunWork)
 */
@FunctionalInterface
public interface RunWork<R> {

	/**
	 * Execute one attempt of the run. Throwing fails the attempt: the run is retried
	 * according to its {@link RetryPolicy}, then ends as {@code failed}. Throwing
	 * {@link java.util.concurrent.CancellationException} ends the run as
	 * {@code cancelled} without retrying.
	 * @param run the context of this attempt
	 * @return the result of the run, serialized to JSON with the {@code completed} status
	 * @throws Exception if the attempt failed
	 */
	R execute(Run run) throws Exception;

}
