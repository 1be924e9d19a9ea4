package dev.realtime.token;

import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

import dev.realtime.TopicDefinition;
import org.jspecify.annotations.Nullable;

/**
 * The claims of a verified token.
 *
 * @param id the token id
 * @param channel the channel name
 * @param topics the topics the holder may read, never empty
 * @param publish the topics the holder may publish to
 * @param cancel whether the holder may cancel the runs of the channel
 * @param issuedAt when the token was issued
 * @param expiresAt when the token expires
 * @param subject who the token was minted for (its {@code sub} claim), or {@code null}
 * when it names no one
 * @param presence whether the holder may see who is subscribed to the channel
 * @param info what the channel's members learn about the holder
 * @author Realtime team
 * @since 0.1.0
 */
public record TokenClaims(String id, String channel, Set<String> topics, Set<String> publish, boolean cancel,
		Instant issuedAt, Instant expiresAt, @Nullable String subject, boolean presence, Map<String, String> info) {

	/**
	 * Create the claims of a token that grants no presence.
	 * @param id the token id
	 * @param channel the channel name
	 * @param topics the topics the holder may read
	 * @param publish the topics the holder may publish to
	 * @param cancel whether the holder may cancel the runs of the channel
	 * @param issuedAt when the token was issued
	 * @param expiresAt when the token expires
	 * @param subject who the token was minted for, or {@code null}
	 */
	public TokenClaims(String id, String channel, Set<String> topics, Set<String> publish, boolean cancel,
			Instant issuedAt, Instant expiresAt, @Nullable String subject) {
		this(id, channel, topics, publish, cancel, issuedAt, expiresAt, subject, false, Map.of());
	}

	/**
	 * Create the claims of a token that grants no cancel.
	 * @param id the token id
	 * @param channel the channel name
	 * @param topics the topics the holder may read
	 * @param publish the topics the holder may publish to
	 * @param issuedAt when the token was issued
	 * @param expiresAt when the token expires
	 * @param subject who the token was minted for, or {@code null}
	 */
	public TokenClaims(String id, String channel, Set<String> topics, Set<String> publish, Instant issuedAt,
			Instant expiresAt, @Nullable String subject) {
		this(id, channel, topics, publish, false, issuedAt, expiresAt, subject);
	}

	/**
	 * Create the claims of a token that names no subject and grants no cancel.
	 * @param id the token id
	 * @param channel the channel name
	 * @param topics the topics the holder may read
	 * @param publish the topics the holder may publish to
	 * @param issuedAt when the token was issued
	 * @param expiresAt when the token expires
	 */
	public TokenClaims(String id, String channel, Set<String> topics, Set<String> publish, Instant issuedAt,
			Instant expiresAt) {
		this(id, channel, topics, publish, false, issuedAt, expiresAt, null);
	}

	/**
	 * Return the topics a stream of the token carries: those it may read, and the
	 * reserved {@value TopicDefinition#PRESENCE_TOPIC} topic when it grants presence.
	 * @return the topics
	 */
	public Set<String> streamTopics() {
		if (!this.presence) {
			return this.topics;
		}
		Set<String> topics = new LinkedHashSet<>(this.topics);
		topics.add(TopicDefinition.PRESENCE_TOPIC);
		return topics;
	}

}
