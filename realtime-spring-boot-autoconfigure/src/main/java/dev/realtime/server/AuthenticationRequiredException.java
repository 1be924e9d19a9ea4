package dev.realtime.server;

import dev.realtime.RealtimeException;

/**
 * Thrown when the application's rule denies a channel to a caller who is not
 * authenticated: over HTTP, {@code 401}.
 *
 * @author Realtime team
 * @since 0.1.0
 */
public class AuthenticationRequiredException extends RealtimeException {

	AuthenticationRequiredException(String message) {
		super(message);
	}

}
