package dev.realtime.server;

import java.nio.charset.StandardCharsets;

import org.springframework.util.Assert;

/**
 * A WebSocket close status: the close codes of the realtime protocol, and the RFC 6455
 * ones it uses. Transports translate it into their web stack's close status.
 *
 * @param code the close code
 * @param reason the reason sent with it, possibly empty
 * @author Realtime team
 * @since 0.1.0
 */
public record RealtimeCloseStatus(int code, String reason) {

	private static final int MAX_REASON_BYTES = 123;

	/**
	 * The token is missing, malformed or invalid.
	 */
	public static final RealtimeCloseStatus INVALID_TOKEN = new RealtimeCloseStatus(4401, "Invalid token");

	/**
	 * The token does not grant what the client asked for.
	 */
	public static final RealtimeCloseStatus FORBIDDEN = new RealtimeCloseStatus(4403, "Forbidden");

	/**
	 * A subscription's token expired without a refresh.
	 */
	public static final RealtimeCloseStatus TOKEN_EXPIRED = new RealtimeCloseStatus(4408, "Token expired");

	/**
	 * The client did not keep up with its messages.
	 */
	public static final RealtimeCloseStatus TOO_SLOW = new RealtimeCloseStatus(4429, "Too slow");

	/**
	 * The server is shutting down; the client resumes elsewhere.
	 */
	public static final RealtimeCloseStatus GOING_AWAY = new RealtimeCloseStatus(1001, "Server shutting down");

	/**
	 * The client sent a text frame that is not UTF-8 (RFC 6455, section 8.1).
	 */
	public static final RealtimeCloseStatus NOT_UTF8 = new RealtimeCloseStatus(1007, "Text frame is not UTF-8");

	/**
	 * The client sent a binary frame; the protocol speaks JSON text frames only (RFC
	 * 6455, section 7.4.1).
	 */
	public static final RealtimeCloseStatus NOT_TEXT = new RealtimeCloseStatus(1003, "Binary frames are not supported");

	/**
	 * The client sent a frame that is not part of the protocol.
	 */
	public static final RealtimeCloseStatus PROTOCOL_ERROR = new RealtimeCloseStatus(1002, "");

	/**
	 * The engine could not guarantee a subscription is complete; resume from the last id.
	 */
	public static final RealtimeCloseStatus SUBSCRIPTION_LOST = new RealtimeCloseStatus(1012,
			"Subscription lost; resume");

	/**
	 * The server failed.
	 */
	public static final RealtimeCloseStatus SERVER_ERROR = new RealtimeCloseStatus(1011, "");

	/**
	 * Create a new instance.
	 * @param code the close code
	 * @param reason the reason sent with it, possibly empty
	 */
	public RealtimeCloseStatus {
		Assert.isTrue(code >= 1000 && code < 5000, "'code' must be a WebSocket close code");
		Assert.notNull(reason, "'reason' must not be null");
	}

	/**
	 * Return the same code with another reason, cut to the 123 bytes of UTF-8 that RFC
	 * 6455 allows in a close frame, at a character boundary.
	 * @param reason the reason
	 * @return the close status
	 */
	public RealtimeCloseStatus withReason(String reason) {
		return new RealtimeCloseStatus(this.code, fit(reason));
	}

	private static String fit(String reason) {
		int end = reason.length();
		while (reason.substring(0, end).getBytes(StandardCharsets.UTF_8).length > MAX_REASON_BYTES) {
			end--;
			if (end > 0 && Character.isHighSurrogate(reason.charAt(end - 1))) {
				end--;
			}
		}
		return reason.substring(0, end);
	}

}
