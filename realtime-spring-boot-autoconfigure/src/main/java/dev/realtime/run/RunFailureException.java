package dev.realtime.run;

import dev.realtime.RealtimeException;
import org.jspecify.annotations.Nullable;

/**
 * A run failure whose message may be shown to clients. Work throws it to choose the
 * message of the {@code failed} status; any other exception is reported as
 * {@value #GENERIC_MESSAGE}, so that exception details never leak. {@link RunHandle}
 * reports every failure with this type, the original exception as its cause.
 *
 * @author Realtime team
 * @since 0.1.0
 */
public class RunFailureException extends RealtimeException {

	/**
	 * Message of the {@code failed} status when the work chose none.
	 */
	public static final String GENERIC_MESSAGE = "Run failed";

	/**
	 * Create a new instance.
	 * @param message the message clients see
	 */
	public RunFailureException(String message) {
		super(message);
	}

	/**
	 * Create a new instance.
	 * @param message the message clients see
	 * @param cause the cause, never shown to clients
	 */
	public RunFailureException(String message, @Nullable Throwable cause) {
		super(message, cause);
	}

}
