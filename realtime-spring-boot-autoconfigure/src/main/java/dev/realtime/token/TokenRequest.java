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
 * @param ttl how long the token is valid, or {@code null} for {@code realtime.token.ttl}
 * @author Realtime team
 * @since 0.1.0
 */
public record TokenRequest(String channel, Set<String> topics, Set<String> publish, @Nullable Duration ttl) {

	/**
	 * Create a new instance.
	 * @param channel the channel name
	 * @param topics the topics the holder may read; empty for every topic
	 * @param publish the topics the holder may publish to
	 * @param ttl how long the token is valid, or {@code null} for the default
	 */
	public TokenRequest {
		Assert.hasText(channel, "'channel' must not be empty");
		Assert.notNull(topics, "'topics' must not be null");
		Assert.notNull(publish, "'publish' must not be null");
		topics = Set.copyOf(topics);
		publish = Set.copyOf(publish);
		Assert.isTrue(ttl == null || (!ttl.isNegative() && !ttl.isZero()), "'ttl' must be positive");
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
