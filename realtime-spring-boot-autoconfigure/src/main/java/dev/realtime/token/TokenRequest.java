package dev.realtime.token;

import java.time.Duration;
import java.util.Map;
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
 * or {@code null} when unknown; the server caps the connections of one subject, and on a
 * presence channel the subject is the member the holder's subscriptions stand for
 * @param presence whether the holder may see who is subscribed to the channel: its
 * {@code $presence} events and its members; only for channels that track presence
 * @param info what the channel's members learn about the holder besides its subject, a
 * few short strings the application chooses (at most {@value #MAX_INFO_ENTRIES} entries
 * of at most {@value #MAX_INFO_LENGTH} characters)
 * @author Realtime team
 * @since 0.1.0
 */
public record TokenRequest(String channel, Set<String> topics, Set<String> publish, boolean cancel,
		@Nullable Duration ttl, @Nullable String subject, boolean presence, Map<String, String> info) {

	/**
	 * The most entries a member's info may have.
	 */
	public static final int MAX_INFO_ENTRIES = 16;

	/**
	 * The most characters of a key or a value of a member's info.
	 */
	public static final int MAX_INFO_LENGTH = 256;

	/**
	 * Create a new instance.
	 * @param channel the channel name
	 * @param topics the topics the holder may read; empty for every topic
	 * @param publish the topics the holder may publish to
	 * @param cancel whether the holder may cancel the runs of the channel
	 * @param ttl how long the token is valid, or {@code null} for the default
	 * @param subject who the token is for, or {@code null} when unknown
	 * @param presence whether the holder may see who is subscribed to the channel
	 * @param info what the channel's members learn about the holder
	 */
	public TokenRequest {
		Assert.hasText(channel, "'channel' must not be empty");
		Assert.notNull(topics, "'topics' must not be null");
		Assert.notNull(publish, "'publish' must not be null");
		Assert.notNull(info, "'info' must not be null");
		topics = Set.copyOf(topics);
		publish = Set.copyOf(publish);
		info = Map.copyOf(info);
		Assert.isTrue(ttl == null || (!ttl.isNegative() && !ttl.isZero()), "'ttl' must be positive");
		Assert.isTrue(subject == null || !subject.isEmpty(), "'subject' must not be empty");
		checkInfo(info);
	}

	private static void checkInfo(Map<String, String> info) {
		Assert.isTrue(info.size() <= MAX_INFO_ENTRIES,
				() -> "'info' must have at most " + MAX_INFO_ENTRIES + " entries, not " + info.size());
		info.forEach((key, value) -> Assert.isTrue(
				!key.isEmpty() && key.length() <= MAX_INFO_LENGTH && value.length() <= MAX_INFO_LENGTH,
				() -> "'info' keys must be 1 to " + MAX_INFO_LENGTH + " characters and values at most "
						+ MAX_INFO_LENGTH));
	}

	/**
	 * Create a new instance that grants no presence.
	 * @param channel the channel name
	 * @param topics the topics the holder may read; empty for every topic
	 * @param publish the topics the holder may publish to
	 * @param cancel whether the holder may cancel the runs of the channel
	 * @param ttl how long the token is valid, or {@code null} for the default
	 * @param subject who the token is for, or {@code null} when unknown
	 */
	public TokenRequest(String channel, Set<String> topics, Set<String> publish, boolean cancel, @Nullable Duration ttl,
			@Nullable String subject) {
		this(channel, topics, publish, cancel, ttl, subject, false, Map.of());
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
		return new TokenRequest(this.channel, this.topics, this.publish, cancel, this.ttl, this.subject, this.presence,
				this.info);
	}

	/**
	 * Return a copy that grants, or does not grant, seeing who is subscribed to the
	 * channel.
	 * @param presence whether the holder may see the channel's members
	 * @return the request
	 */
	public TokenRequest withPresence(boolean presence) {
		return new TokenRequest(this.channel, this.topics, this.publish, this.cancel, this.ttl, this.subject, presence,
				this.info);
	}

	/**
	 * Return a copy with what the channel's members learn about the holder.
	 * @param info a few short strings, for example a display name
	 * @return the request
	 */
	public TokenRequest withInfo(Map<String, String> info) {
		return new TokenRequest(this.channel, this.topics, this.publish, this.cancel, this.ttl, this.subject,
				this.presence, info);
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
