package dev.realtime.server;

/**
 * Thrown when a token or a principal holds as many streams or connections as it may.
 *
 * @author Realtime team
 * @since 0.1.0
 */
public final class TooManyConnectionsException extends RuntimeException {

	private final String code;

	TooManyConnectionsException(String code, String message) {
		super(message);
		this.code = code;
	}

	/**
	 * Return the code of the WebSocket error frame.
	 * @return {@code too_many_streams} or {@code too_many_connections}
	 */
	public String code() {
		return this.code;
	}

}
