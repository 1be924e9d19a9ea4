package dev.realtime;

import java.lang.reflect.Type;

import org.springframework.util.Assert;

/**
 * One topic of a {@link ChannelDefinition}: its name, payload type and options.
 *
 * @param name the topic name, the name of the interface method
 * @param payloadType the payload type, the type argument of {@code Topic<T>}
 * @param history whether non-durable messages of the topic are kept in history; never for
 * a stream topic
 * @param stream whether the topic is a stream of text whose accumulated text the engine
 * keeps instead of its chunks
 * @author Realtime team
 * @since 0.1.0
 */
public record TopicDefinition(String name, Type payloadType, boolean history, boolean stream) {

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
	 * @param stream whether the topic is a stream of text
	 */
	public TopicDefinition {
		Assert.hasText(name, "'name' must not be empty");
		Assert.notNull(payloadType, "'payloadType' must not be null");
		Assert.isTrue(!stream || payloadType == String.class, "A stream topic's payload type must be String");
		history = history && !stream;
	}

	/**
	 * Create a new instance of a topic that is no stream.
	 * @param name the topic name, the name of the interface method
	 * @param payloadType the payload type, the type argument of {@code Topic<T>}
	 * @param history whether non-durable messages of the topic are kept in history
	 */
	public TopicDefinition(String name, Type payloadType, boolean history) {
		this(name, payloadType, history, false);
	}

}
