package dev.realtime.token;

import java.time.Duration;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * What a token should grant.
 *
 * @param channel the channel name, for example {@code pipeline:run-42}
 * @param topics the topics the holder may read; empty for every topic of the channel
 * @param publish the topics the holder may publish to (replies); usually empty
 * @param cancel whether the holder may cancel the runs of the channel
 * @param ttl how long the token is valid, or {@code null} for {@code realtime.token.ttl}
 * @param subject who the token is for, usually the name of the authenticated principal,
 * or {@code null} when unknown; the server caps the connections of one subject
 * @author Realtime team
 * @since 0.1.0
 */
public record TokenRequest(String channel, Set<String> topics, Set<String> publish, boolean cancel,
		@Nullable Duration ttl, @Nullable String subject) {

	/**
	 * Create a new instance.
	 * @param channel the channel name
	 * @param topics the topics the holder may read; empty for every topic
	 * @param publish the topics the holder may publish to
	 * @param cancel whether the holder may cancel the runs of the channel
	 * @param ttl how long the token is valid, or {@code null} for the default
	 * @param subject who the token is for, or {@code null} when unknown
	 */
	public TokenRequest {
		Assert.hasText(channel, "'channel' must not be empty");
		Assert.notNull(topics, "'topics' must not be null");
		Assert.notNull(publish, "'publish' must not be null");
		topics = Set.copyOf(topics);
		publish = Set.copyOf(publish);
		Assert.isTrue(ttl == null || (!ttl.isNegative() && !ttl.isZero()), "'ttl' must be positive");
		Assert.isTrue(subject == null || !subject.isEmpty(), "'subject' must not be empty");
	}

	/**
	 * Create a new instance that grants no cancel.
	 * @param channel the channel name
	 * @param topics the topics the holder may read; empty for every topic
	 * @param publish the topics the holder may publish to
	 * @param ttl how long the token is valid, or {@code null} for the default
	 * @param subject who the token is for, or {@code null} when unknown
	 */
	public TokenRequest(String channel, Set<String> topics, Set<String> publish, @Nullable Duration ttl,
			@Nullable String subject) {
		this(channel, topics, publish, false, ttl, subject);
	}

	/**
	 * Create a new instance for no particular subject that grants no cancel.
	 * @param channel the channel name
	 * @param topics the topics the holder may read; empty for every topic
	 * @param publish the topics the holder may publish to
	 * @param ttl how long the token is valid, or {@code null} for the default
	 */
	public TokenRequest(String channel, Set<String> topics, Set<String> publish, @Nullable Duration ttl) {
		this(channel, topics, publish, false, ttl, null);
	}

	/**
	 * Return a copy that grants, or does not grant, cancelling the runs of the channel.
	 * @param cancel whether the holder may cancel the runs of the channel
	 * @return the request
	 */
	public TokenRequest withCancel(boolean cancel) {
		return new TokenRequest(this.channel, this.topics, this.publish, cancel, this.ttl, this.subject);
	}

	/**
	 * A request to read the given topics of a channel.
	 * @param channel the channel name
	 * @param topics the topics; none for every topic
	 * @return the request
	 */
	public static TokenRequest read(String channel, String... topics) {
		return new TokenRequest(channel, Set.of(topics), Set.of(), null);
	}

}
