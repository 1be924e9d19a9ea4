package dev.realtime.engine;

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
 * @author Realtime team
 * @since 0.1.0
 */
public record PublishRequest(String channel, String topic, byte[] data, @Nullable String runId, MessageKind kind,
		boolean retain) {

	/**
	 * Create a new instance.
	 * @param channel the channel name
	 * @param topic the topic name
	 * @param data the payload encoded as a JSON value
	 * @param runId the run that publishes the message, if any
	 * @param kind what the message carries
	 * @param retain whether the message enters the channel history
	 */
	public PublishRequest {
		Assert.hasText(channel, "'channel' must not be empty");
		Assert.hasText(topic, "'topic' must not be empty");
		Assert.notNull(data, "'data' must not be null");
		Assert.notNull(kind, "'kind' must not be null");
	}

}
