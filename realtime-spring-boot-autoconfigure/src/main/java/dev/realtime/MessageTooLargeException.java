package dev.realtime;

/**
 * Thrown when an encoded payload exceeds {@code realtime.limits.max-message-size}.
 * Nothing was published; payloads are never truncated.
 *
 * @author Realtime team
 * @since 0.1.0
 */
public class MessageTooLargeException extends RealtimeException {

	private final long size;

	private final long limit;

	/**
	 * Create a new instance.
	 * @param topic the topic
	 * @param size the encoded size in bytes
	 * @param limit the limit in bytes
	 */
	public MessageTooLargeException(String topic, long size, long limit) {
		super("Payload for " + topic + " is " + size + " bytes encoded, over the limit of " + limit
				+ " bytes (realtime.limits.max-message-size)");
		this.size = size;
		this.limit = limit;
	}

	/**
	 * Create a new instance with a message of its own.
	 * @param size the encoded size in bytes
	 * @param limit the limit in bytes
	 * @param message the message
	 */
	protected MessageTooLargeException(long size, long limit, String message) {
		super(message);
		this.size = size;
		this.limit = limit;
	}

	/**
	 * Return the encoded size in bytes.
	 * @return the size
	 */
	public long getSize() {
		return this.size;
	}

	/**
	 * Return the limit in bytes.
	 * @return the limit
	 */
	public long getLimit() {
		return this.limit;
	}

}
