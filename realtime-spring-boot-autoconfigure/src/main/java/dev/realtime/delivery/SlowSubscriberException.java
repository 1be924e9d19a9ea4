package dev.realtime.delivery;

import java.time.Duration;

import dev.realtime.RealtimeException;

/**
 * Ends a subscription whose bounded queue overflowed because the subscriber did not keep
 * up. The publisher and the other subscribers are not affected.
 *
 * @author Realtime team
 * @since 0.1.0
 */
public class SlowSubscriberException extends RealtimeException {

	/**
	 * Create a new instance.
	 * @param channel the channel name
	 * @param capacity the queue capacity that overflowed
	 */
	public SlowSubscriberException(String channel, int capacity) {
		super("Subscriber of '" + channel + "' fell more than " + capacity + " messages behind");
	}

	/**
	 * Create a new instance for a subscriber whose connection took nothing for too long
	 * while messages waited for it.
	 * @param channel the channel name
	 * @param writeTimeout how long the connection may take nothing
	 */
	public SlowSubscriberException(String channel, Duration writeTimeout) {
		super("Subscriber of '" + channel + "' took nothing for more than " + writeTimeout.toMillis()
				+ "ms while messages waited");
	}

}
