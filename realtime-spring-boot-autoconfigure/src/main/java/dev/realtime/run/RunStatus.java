package dev.realtime.run;

import org.springframework.util.Assert;

/**
 * Where a run is, as seen by the node that executes it.
 *
 * @param state the state
 * @param attempt the current or last attempt, from 1; 0 before the first one started
 * @author Realtime team
 * @since 0.1.0
 */
public record RunStatus(State state, int attempt) {

	/**
	 * Create a new instance.
	 * @param state the state
	 * @param attempt the current or last attempt, from 1; 0 before the first one started
	 */
	public RunStatus {
		Assert.notNull(state, "'state' must not be null");
	}

	/**
	 * Whether the run has ended.
	 * @return whether the state is terminal
	 */
	public boolean isTerminal() {
		return this.state != State.PENDING && this.state != State.RUNNING;
	}

	/**
	 * States of a run.
	 */
	public enum State {

		/**
		 * Accepted, waiting for a thread; nothing is published yet.
		 */
		PENDING,

		/**
		 * An attempt is executing, or the run waits to be retried.
		 */
		RUNNING,

		/**
		 * The work returned a result.
		 */
		COMPLETED,

		/**
		 * The last attempt failed.
		 */
		FAILED,

		/**
		 * The run was cancelled.
		 */
		CANCELLED

	}

}
