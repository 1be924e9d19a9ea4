package dev.realtime;

import org.jspecify.annotations.Nullable;

/**
 * Base class of the exceptions thrown by Realtime for Spring Boot.
 *
 * @author Realtime team
 * @since 0.1.0
 */
public class RealtimeException extends RuntimeException {

	/**
	 * Create a new instance.
	 * @param message the reason
	 */
	public RealtimeException(String message) {
		super(message);
	}

	/**
	 * Create a new instance.
	 * @param message the reason
	 * @param cause the cause
	 */
	public RealtimeException(String message, @Nullable Throwable cause) {
		super(message, cause);
	}

}
