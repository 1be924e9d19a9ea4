package dev.realtime;

import java.util.Map;

/**
 * A resolved channel such as {@code pipeline:run-42}. The classes the annotation
 * processor generates implement it together with their
 * {@link RealtimeChannel @RealtimeChannel} interface;
 * {@link ChannelCatalog#resolve(String)} returns one for any name.
 *
 * @author Realtime team
 * @since 0.1.0
 */
public interface Channel {

	/**
	 * Return the channel name, for example {@code pipeline:run-42}.
	 * @return the channel name
	 */
	String name();

	/**
	 * Return the definition of the channel.
	 * @return the definition
	 */
	ChannelDefinition definition();

	/**
	 * Return the value of each placeholder of the template.
	 * @return the parameters
	 */
	Map<String, String> parameters();

	/**
	 * Return a topic of this channel.
	 * @param <T> the payload type
	 * @param name the topic name
	 * @param payloadType the payload class, checked against the declared one
	 * @return the topic
	 * @throws InvalidChannelException if the channel has no such topic, or it carries
	 * another type
	 */
	default <T> Topic<T> topic(String name, Class<T> payloadType) {
		Topic<T> topic = Topic.of(this, name);
		if (!payloadType.equals(topic.definition().payloadType())) {
			throw new InvalidChannelException("Topic '" + name + "' of channel '" + name() + "' carries "
					+ topic.definition().payloadType().getTypeName() + ", not " + payloadType.getName());
		}
		return topic;
	}

}
