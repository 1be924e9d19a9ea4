package dev.realtime.server.webflux;

import dev.realtime.RealtimeException;

/**
 * Thrown when a valid token does not grant what a client asked for.
 *
 * @author Realtime team
 */
class ForbiddenException extends RealtimeException {

	ForbiddenException(String message) {
		super(message);
	}

}
