package dev.realtime.run;

import java.time.Duration;

import reactor.core.publisher.Mono;

/**
 * Remembers what the durable steps of runs recorded, so that a retried run, on this node
 * or another one, does not do them again. The in-memory store serves one node; a shared
 * store (Redis {@code SET NX}) serves several.
 * <p>
 * Methods must not block the calling thread. Values are opaque bytes (JSON); callers and
 * implementations must not modify an array after handing it over.
 *
 * @author Realtime team
 * @since 0.1.0
 */
public interface RunMemoStore {

	/**
	 * Read what a step recorded.
	 * @param runId the run id
	 * @param stepId the step id
	 * @return the recorded value, or empty if the step recorded nothing
	 */
	Mono<byte[]> get(String runId, String stepId);

	/**
	 * Record what a step did, unless something is already recorded for it.
	 * @param runId the run id
	 * @param stepId the step id
	 * @param value the value to record
	 * @return {@code true} if the value was recorded, {@code false} if another value was
	 * already there
	 */
	Mono<Boolean> putIfAbsent(String runId, String stepId, byte[] value);

	/**
	 * Note that a run has ended: its records may be dropped after the given time.
	 * Implementations should also expire the records of runs that never end (their node
	 * died) after a bound of their own.
	 * @param runId the run id
	 * @param ttl how long to keep the run's records
	 * @return completes when noted
	 */
	Mono<Void> complete(String runId, Duration ttl);

}
