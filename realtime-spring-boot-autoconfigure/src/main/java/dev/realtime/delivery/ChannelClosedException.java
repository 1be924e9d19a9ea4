package dev.realtime.delivery;

import dev.realtime.RealtimeException;

/**
 * Ends the subscriptions of a channel that was closed on this node, as an operator does
 * after revoking access: the clients are told they may no longer read it.
 *
 * @author Realtime team
 * @since 0.1.0
 * @see LocalFanOut#close(String)
 */
public class ChannelClosedException extends RealtimeException {

	/**
	 * Create a new instance.
	 * @param channel the channel name
	 */
	public ChannelClosedException(String channel) {
		super("Access to channel '" + channel + "' was closed by the server");
	}

}
