package dev.realtime.engine;

import java.util.regex.Pattern;

import dev.realtime.MessageKind;
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
 * @author Realtime team
 * @since 0.1.0
 */
public record PublishRequest(String channel, String topic, byte[] data, @Nullable String runId, MessageKind kind,
		boolean retain, @Nullable String traceparent) {

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
	 */
	public PublishRequest {
		Assert.hasText(channel, "'channel' must not be empty");
		Assert.hasText(topic, "'topic' must not be empty");
		Assert.notNull(data, "'data' must not be null");
		Assert.notNull(kind, "'kind' must not be null");
		Assert.isTrue(traceparent == null || TRACEPARENT.matcher(traceparent).matches(),
				() -> "'traceparent' must be a version-00 W3C traceparent, not '" + traceparent + "'");
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
		return new PublishRequest(this.channel, this.topic, this.data, this.runId, this.kind, this.retain, traceparent);
	}

}
