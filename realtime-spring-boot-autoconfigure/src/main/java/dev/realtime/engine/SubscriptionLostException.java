package dev.realtime.engine;

import dev.realtime.RealtimeException;
import org.jspecify.annotations.Nullable;

/**
 * Ends a subscription whose completeness the engine can no longer guarantee, for example
 * after losing its connection to Redis. The subscriber resumes from its last id.
 *
 * @author Realtime team
 * @since 0.1.0
 */
public class SubscriptionLostException extends RealtimeException {

	/**
	 * Create a new instance.
	 * @param message the reason
	 * @param cause the cause
	 */
	public SubscriptionLostException(String message, @Nullable Throwable cause) {
		super(message, cause);
	}

}
