package dev.realtime;

import org.jspecify.annotations.Nullable;

/**
 * Thrown when the engine could not accept a message, for example because Redis is
 * unreachable. The message may be published again.
 *
 * @author Realtime team
 * @since 0.1.0
 */
public class PublishException extends RealtimeException {

	/**
	 * Create a new instance.
	 * @param message the reason
	 * @param cause the cause
	 */
	public PublishException(String message, @Nullable Throwable cause) {
		super(message, cause);
	}

}
