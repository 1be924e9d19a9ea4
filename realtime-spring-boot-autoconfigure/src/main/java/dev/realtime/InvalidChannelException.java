package dev.realtime;

/**
 * Thrown when a channel name or one of its parameters is not valid, or names no declared
 * channel.
 *
 * @author Realtime team
 * @since 0.1.0
 */
public class InvalidChannelException extends RealtimeException {

	/**
	 * Create a new instance.
	 * @param message the reason
	 */
	public InvalidChannelException(String message) {
		super(message);
	}

}
