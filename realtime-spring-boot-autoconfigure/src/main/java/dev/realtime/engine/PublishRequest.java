package dev.realtime.engine;

import java.util.regex.Pattern;

import dev.realtime.MessageKind;
import dev.realtime.TopicDefinition;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * A message handed to the engine, its payload already encoded as JSON.
 *
 * @param channel the channel name
 * @param topic the topic name
 * @param data the payload encoded as a JSON value
 * @param runId the run that publishes the message, if any
 * @param kind what the message carries
 * @param retain whether the message enters the channel history
 * @param traceparent the W3C trace context of the publish, carried to subscribers in the
 * envelope, or {@code null}
 * @param stream whether the message is a chunk of a stream topic, appended to the text
 * the engine keeps for the topic (a {@link MessageKind#SNAPSHOT} replaces that text)
 * @author Realtime team
 * @since 0.1.0
 */
public record PublishRequest(String channel, String topic, byte[] data, @Nullable String runId, MessageKind kind,
		boolean retain, @Nullable String traceparent, boolean stream) {

	/** A version-00 W3C {@code traceparent}: trace id, parent (span) id, flags. */
	private static final Pattern TRACEPARENT = Pattern.compile("00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}");

	/**
	 * Create a new instance.
	 * @param channel the channel name
	 * @param topic the topic name
	 * @param data the payload encoded as a JSON value
	 * @param runId the run that publishes the message, if any
	 * @param kind what the message carries
	 * @param retain whether the message enters the channel history
	 * @param traceparent the W3C trace context of the publish, or {@code null}
	 * @param stream whether the message is a chunk of a stream topic
	 */
	public PublishRequest {
		Assert.hasText(channel, "'channel' must not be empty");
		Assert.hasText(topic, "'topic' must not be empty");
		Assert.notNull(data, "'data' must not be null");
		Assert.notNull(kind, "'kind' must not be null");
		Assert.isTrue(traceparent == null || TRACEPARENT.matcher(traceparent).matches(),
				() -> "'traceparent' must be a version-00 W3C traceparent, not '" + traceparent + "'");
		Assert.isTrue(!(stream && retain), "A chunk of a stream topic is not retained");
		Assert.isTrue(!(kind == MessageKind.SNAPSHOT && retain), "A snapshot is not retained");
	}

	/**
	 * Create a new instance that is no chunk of a stream topic.
	 * @param channel the channel name
	 * @param topic the topic name
	 * @param data the payload encoded as a JSON value
	 * @param runId the run that publishes the message, if any
	 * @param kind what the message carries
	 * @param retain whether the message enters the channel history
	 * @param traceparent the W3C trace context of the publish, or {@code null}
	 */
	public PublishRequest(String channel, String topic, byte[] data, @Nullable String runId, MessageKind kind,
			boolean retain, @Nullable String traceparent) {
		this(channel, topic, data, runId, kind, retain, traceparent, false);
	}

	/**
	 * Create the request of a payload published on a topic: a chunk on a stream topic,
	 * else a data message that the history keeps as the topic asks.
	 * @param channel the channel name
	 * @param topic the topic
	 * @param data the payload encoded as a JSON value
	 * @param runId the run that publishes the message, if any
	 * @param durable whether the message enters the history even when its topic opts out
	 * (never for a stream topic, whose text the engine keeps instead)
	 * @return the request
	 */
	public static PublishRequest of(String channel, TopicDefinition topic, byte[] data, @Nullable String runId,
			boolean durable) {
		if (topic.stream()) {
			return chunk(channel, topic.name(), data, runId);
		}
		return new PublishRequest(channel, topic.name(), data, runId, MessageKind.DATA, durable || topic.history());
	}

	/**
	 * Create a chunk of a stream topic, appended to the text the engine keeps for it.
	 * @param channel the channel name
	 * @param topic the stream topic
	 * @param data the chunk encoded as a JSON string
	 * @param runId the run that publishes the chunk, if any
	 * @return the request
	 */
	public static PublishRequest chunk(String channel, String topic, byte[] data, @Nullable String runId) {
		return new PublishRequest(channel, topic, data, runId, MessageKind.DATA, false, null, true);
	}

	/**
	 * Create a reset of a stream topic: its text becomes the given one, and subscribers
	 * receive it as a snapshot.
	 * @param channel the channel name
	 * @param topic the stream topic
	 * @param data the new text encoded as a JSON string, usually {@code ""}
	 * @param runId the run that resets the stream, if any
	 * @return the request
	 */
	public static PublishRequest reset(String channel, String topic, byte[] data, @Nullable String runId) {
		return new PublishRequest(channel, topic, data, runId, MessageKind.SNAPSHOT, false, null, true);
	}

	/**
	 * Create a new instance without trace context.
	 * @param channel the channel name
	 * @param topic the topic name
	 * @param data the payload encoded as a JSON value
	 * @param runId the run that publishes the message, if any
	 * @param kind what the message carries
	 * @param retain whether the message enters the channel history
	 */
	public PublishRequest(String channel, String topic, byte[] data, @Nullable String runId, MessageKind kind,
			boolean retain) {
		this(channel, topic, data, runId, kind, retain, null);
	}

	/**
	 * Return this request with a trace context.
	 * @param traceparent the W3C trace context of the publish
	 * @return the request
	 */
	public PublishRequest withTraceparent(String traceparent) {
		return new PublishRequest(this.channel, this.topic, this.data, this.runId, this.kind, this.retain, traceparent,
				this.stream);
	}

}
