package dev.realtime.run;

/**
 * What {@link RealtimeRuns#cancel(dev.realtime.Channel, String)} did.
 *
 * @author Realtime team
 * @since 0.1.0
 */
public enum RunCancellation {

	/**
	 * The run executed on this node and is now cancelled.
	 */
	CANCELLED,

	/**
	 * The run executes on another node, which was asked to cancel it; its
	 * {@code cancelled} status follows on the run's channel.
	 */
	REQUESTED,

	/**
	 * The run had ended already.
	 */
	ALREADY_ENDED,

	/**
	 * No such run is known (it never started, or ended long ago).
	 */
	UNKNOWN

}
