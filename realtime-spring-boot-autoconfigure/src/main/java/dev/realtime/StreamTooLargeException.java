package dev.realtime;

/**
 * Thrown when a chunk would grow the text of a stream topic beyond
 * {@code realtime.streams.max-size}. Nothing was appended nor delivered; texts are never
 * cut.
 *
 * @author Realtime team
 * @since 0.1.0
 * @see TopicOptions#stream()
 */
public class StreamTooLargeException extends MessageTooLargeException {

	/**
	 * Create a new instance.
	 * @param channel the channel
	 * @param topic the stream topic
	 * @param size the size the text would have, in bytes of its JSON-encoded chunks
	 * @param limit the limit in bytes
	 */
	public StreamTooLargeException(String channel, String topic, long size, long limit) {
		super(size, limit, "Stream '" + topic + "' of '" + channel + "' would grow to " + size
				+ " bytes, over the limit of " + limit + " bytes (realtime.streams.max-size); nothing was appended");
	}

}
