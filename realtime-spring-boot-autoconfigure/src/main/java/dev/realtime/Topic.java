package dev.realtime;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * A topic of a resolved channel carrying payloads of type {@code T}. Obtained from the
 * typed factory generated for a {@link RealtimeChannel @RealtimeChannel} interface, for
 * example {@code ContentPipelineChannel.of(runId).status()}.
 *
 * @param <T> the payload type
 * @author Realtime team
 * @since 0.1.0
 */
public final class Topic<T> {

	private final Channel channel;

	private final TopicDefinition definition;

	private Topic(Channel channel, TopicDefinition definition) {
		this.channel = channel;
		this.definition = definition;
	}

	/**
	 * Return a topic of a channel. Generated channel classes call this once per topic;
	 * the payload type is the declared one.
	 * @param <T> the payload type
	 * @param channel the channel
	 * @param name the topic name
	 * @return the topic
	 * @throws InvalidChannelException if the channel has no such topic
	 */
	public static <T> Topic<T> of(Channel channel, String name) {
		Assert.notNull(channel, "'channel' must not be null");
		Assert.notNull(name, "'name' must not be null");
		return new Topic<>(channel, channel.definition().topic(name));
	}

	/**
	 * Return the channel of the topic.
	 * @return the channel
	 */
	public Channel channel() {
		return this.channel;
	}

	/**
	 * Return the topic name.
	 * @return the topic name
	 */
	public String name() {
		return this.definition.name();
	}

	/**
	 * Return the definition of the topic.
	 * @return the definition
	 */
	public TopicDefinition definition() {
		return this.definition;
	}

	@Override
	public boolean equals(@Nullable Object other) {
		return (other instanceof Topic<?> that) && this.channel.name().equals(that.channel.name())
				&& name().equals(that.name());
	}

	@Override
	public int hashCode() {
		return Objects.hash(this.channel.name(), name());
	}

	@Override
	public String toString() {
		return this.channel.name() + "/" + name();
	}

}
