package dev.realtime.server;

import dev.realtime.RealtimeException;

/**
 * Thrown when a valid token does not grant what a client asked for.
 *
 * @author Realtime team
 * @since 0.1.0
 */
public class ForbiddenException extends RealtimeException {

	ForbiddenException(String message) {
		super(message);
	}

}
