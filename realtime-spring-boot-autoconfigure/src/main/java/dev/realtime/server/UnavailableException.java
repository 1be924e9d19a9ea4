package dev.realtime.server;

import dev.realtime.RealtimeException;
import org.jspecify.annotations.Nullable;

/**
 * Thrown when what a client asked for cannot be done now because the engine does not
 * answer: the client may try again.
 *
 * @author Realtime team
 * @since 0.1.0
 */
public class UnavailableException extends RealtimeException {

	UnavailableException(String message, @Nullable Throwable cause) {
		super(message, cause);
	}

}
