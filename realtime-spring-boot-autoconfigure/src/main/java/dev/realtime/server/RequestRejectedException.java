package dev.realtime.server;

import dev.realtime.RealtimeException;

import org.springframework.http.HttpStatus;

/**
 * Thrown when a request is well formed and authorized but cannot be done, with the status
 * the wire contract gives it, such as {@code 409} to cancel a run that already ended.
 *
 * @author Realtime team
 * @since 0.1.0
 */
public class RequestRejectedException extends RealtimeException {

	private final HttpStatus status;

	RequestRejectedException(HttpStatus status, String message) {
		super(message);
		this.status = status;
	}

	/**
	 * Return the status of the answer.
	 * @return the status
	 */
	public HttpStatus getStatus() {
		return this.status;
	}

}
