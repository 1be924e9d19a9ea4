package dev.realtime.engine;

import java.time.Duration;
import java.util.Set;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Leases on runs, kept where every node sees them: the node that executes a run holds its
 * lease and renews it; when the lease expires (the node died, paused or lost the engine
 * for longer than the lease), exactly one other node takes the run over with a new claim.
 * Every publish of a run goes through {@link #publish(LeaseToken, PublishRequest)}, which
 * checks the claim in the same atomic operation, so that a node that lost the lease
 * cannot publish for the run alongside its new holder.
 * <p>
 * Methods must not block the calling thread.
 *
 * @author Realtime team
 * @since 0.1.0
 */
public interface RunLeases {

	/**
	 * Take the lease of a new run, unless a node holds an unexpired lease on it.
	 * @param lease the lease, with its first claim
	 * @param ttl how long the lease lasts unless renewed
	 * @return whether the lease was taken
	 */
	Mono<Boolean> acquire(RunLease lease, Duration ttl);

	/**
	 * Renew a lease and record the attempt its holder executes.
	 * @param token the holder's claim
	 * @param attempt the current attempt
	 * @param ttl how long the lease lasts from now
	 * @return whether the claim still holds the lease, and whether a cancel was asked for
	 */
	Mono<Renewal> renew(LeaseToken token, int attempt, Duration ttl);

	/**
	 * Check that a claim holds an unexpired lease.
	 * @param token the claim
	 * @return whether it does
	 */
	Mono<Boolean> holds(LeaseToken token);

	/**
	 * Publish a message of a run if, atomically with the publish, the claim holds an
	 * unexpired lease.
	 * @param token the publisher's claim
	 * @param request the message
	 * @return the published message, or a {@link LeaseLostException}
	 */
	Mono<EngineMessage> publish(LeaseToken token, PublishRequest request);

	/**
	 * Mark the run as ended and let its lease go: nobody takes it over any more. The
	 * ended mark is kept for a while so that a cancel can tell an ended run from an
	 * unknown one.
	 * @param token the holder's claim
	 * @param retention how long to remember that the run ended
	 * @return whether the claim held the lease
	 */
	Mono<Boolean> release(LeaseToken token, Duration retention);

	/**
	 * Take over the runs whose lease expired: each is claimed by exactly one caller, with
	 * a new claim and the next attempt. Ad-hoc runs (no definition) are always claimed,
	 * so that the claimer can end them; named runs only when their definition is one of
	 * the given names.
	 * @param owner the claiming node
	 * @param definitions the run definitions the node can execute
	 * @param ttl how long the new lease lasts unless renewed
	 * @return the claimed leases
	 */
	Flux<RunLease> takeOver(String owner, Set<String> definitions, Duration ttl);

	/**
	 * Ask for a run to be cancelled wherever it executes: the flag is kept on the lease
	 * (a node that takes the run over sees it) and signalled to every node through
	 * {@link #cancellations()}.
	 * @param channel the run's channel
	 * @param runId the run id
	 * @return whether the run was active, has ended, or is unknown
	 */
	Mono<CancelResult> cancel(String channel, String runId);

	/**
	 * Receive the cancel requests made on any node, as the ids of the runs, for as long
	 * as subscribed.
	 * @return the run ids
	 */
	Flux<String> cancellations();

	/**
	 * What a renewal found.
	 */
	enum Renewal {

		/**
		 * The claim holds the lease.
		 */
		HELD,

		/**
		 * The claim holds the lease and someone asked to cancel the run.
		 */
		CANCEL_REQUESTED,

		/**
		 * The claim does not hold the lease any more.
		 */
		LOST

	}

	/**
	 * What a cancel request found.
	 */
	enum CancelResult {

		/**
		 * The run is active; its holder is asked to cancel it.
		 */
		REQUESTED,

		/**
		 * The run has ended already.
		 */
		ENDED,

		/**
		 * No such run is known, or it ended too long ago.
		 */
		UNKNOWN

	}

}
