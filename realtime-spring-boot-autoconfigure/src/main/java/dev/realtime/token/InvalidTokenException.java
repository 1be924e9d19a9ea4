package dev.realtime.token;

import dev.realtime.RealtimeException;

/**
 * Thrown when a token must be rejected. The message is a short reason safe to show to the
 * client; it never contains the token or key material.
 *
 * @author Realtime team
 * @since 0.1.0
 */
public class InvalidTokenException extends RealtimeException {

	private final boolean expired;

	/**
	 * Create a new instance.
	 * @param reason a short reason safe to show to the client
	 */
	public InvalidTokenException(String reason) {
		this(reason, false);
	}

	/**
	 * Create a new instance.
	 * @param reason a short reason safe to show to the client
	 * @param expired whether the token is valid but expired
	 */
	public InvalidTokenException(String reason, boolean expired) {
		super(reason);
		this.expired = expired;
	}

	/**
	 * Whether the token was rejected only because it expired.
	 * @return whether the token expired
	 */
	public boolean isExpired() {
		return this.expired;
	}

}
