package dev.realtime;

import java.lang.reflect.Type;

import org.springframework.util.Assert;

/**
 * One topic of a {@link ChannelDefinition}: its name, payload type and options.
 *
 * @param name the topic name, the name of the interface method
 * @param payloadType the payload type, the type argument of {@code Topic<T>}
 * @param history whether non-durable messages of the topic are kept in history
 * @author Realtime team
 * @since 0.1.0
 */
public record TopicDefinition(String name, Type payloadType, boolean history) {

	/**
	 * Name of the reserved topic that carries run lifecycle messages.
	 */
	public static final String RUN_TOPIC = "$run";

	/**
	 * Name of the reserved topic that carries the joins and leaves of a presence channel.
	 */
	public static final String PRESENCE_TOPIC = "$presence";

	/**
	 * Create a new instance.
	 * @param name the topic name, the name of the interface method
	 * @param payloadType the payload type, the type argument of {@code Topic<T>}
	 * @param history whether non-durable messages of the topic are kept in history
	 */
	public TopicDefinition {
		Assert.hasText(name, "'name' must not be empty");
		Assert.notNull(payloadType, "'payloadType' must not be null");
	}

}
