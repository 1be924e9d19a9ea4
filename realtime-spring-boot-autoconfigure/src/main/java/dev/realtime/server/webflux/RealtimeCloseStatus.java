package dev.realtime.server.webflux;

import org.springframework.web.reactive.socket.CloseStatus;

/**
 * WebSocket close codes of the realtime protocol.
 *
 * @author Realtime team
 * @since 0.1.0
 */
public final class RealtimeCloseStatus {

	/**
	 * The token is missing, malformed or invalid.
	 */
	public static final CloseStatus INVALID_TOKEN = new CloseStatus(4401, "Invalid token");

	/**
	 * The token does not grant what the client asked for.
	 */
	public static final CloseStatus FORBIDDEN = new CloseStatus(4403, "Forbidden");

	/**
	 * A subscription's token expired without a refresh.
	 */
	public static final CloseStatus TOKEN_EXPIRED = new CloseStatus(4408, "Token expired");

	/**
	 * The client did not keep up with its messages.
	 */
	public static final CloseStatus TOO_SLOW = new CloseStatus(4429, "Too slow");

	/**
	 * The server is shutting down; the client resumes elsewhere.
	 */
	public static final CloseStatus GOING_AWAY = CloseStatus.GOING_AWAY.withReason("Server shutting down");

	/**
	 * The client sent a text frame that is not UTF-8 (RFC 6455, section 8.1).
	 */
	public static final CloseStatus NOT_UTF8 = CloseStatus.BAD_DATA.withReason("Text frame is not UTF-8");

	/**
	 * The client sent a binary frame; the protocol speaks JSON text frames only (RFC
	 * 6455, section 7.4.1).
	 */
	public static final CloseStatus NOT_TEXT = CloseStatus.NOT_ACCEPTABLE.withReason("Binary frames are not supported");

	/**
	 * The client sent a frame that is not part of the protocol.
	 */
	public static final CloseStatus PROTOCOL_ERROR = CloseStatus.PROTOCOL_ERROR;

	private RealtimeCloseStatus() {
	}

}
