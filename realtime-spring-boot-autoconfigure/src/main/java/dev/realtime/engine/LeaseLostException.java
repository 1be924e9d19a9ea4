package dev.realtime.engine;

import dev.realtime.RealtimeException;

/**
 * Refuses a publish for a run whose lease the publishing node no longer holds: it expired
 * or another node took the run over.
 *
 * @author Realtime team
 * @since 0.1.0
 */
public class LeaseLostException extends RealtimeException {

	/**
	 * Create a new instance.
	 * @param token the claim that is no longer held
	 */
	public LeaseLostException(LeaseToken token) {
		super("This node no longer holds the lease of run '" + token.runId() + "' on '" + token.channel() + "'", null);
	}

}
