package dev.realtime.run;

import dev.realtime.RealtimeException;
import org.jspecify.annotations.Nullable;

/**
 * Thrown when a run cannot be accepted because every run thread is busy and the queue of
 * waiting runs is full.
 *
 * @author Realtime team
 * @since 0.1.0
 */
public class RunRejectedException extends RealtimeException {

	/**
	 * Create a new instance.
	 * @param message the reason
	 * @param cause the cause
	 */
	public RunRejectedException(String message, @Nullable Throwable cause) {
		super(message, cause);
	}

}
