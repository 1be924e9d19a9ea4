package dev.realtime.token;

import java.time.Instant;
import java.util.List;

/**
 * A minted token, shaped as the token endpoint's response.
 *
 * @param token the compact JWS
 * @param expiresAt when the token expires
 * @param channel the channel name
 * @param topics the topics the token may read
 * @param publish the topics the token may publish to
 * @param cancel whether the token may cancel the runs of the channel
 * @param presence whether the token may see who is subscribed to the channel
 * @author Realtime team
 * @since 0.1.0
 */
public record SubscriptionToken(String token, Instant expiresAt, String channel, List<String> topics,
		List<String> publish, boolean cancel, boolean presence) {

	/**
	 * Create a new instance of a token that grants no presence.
	 * @param token the compact JWS
	 * @param expiresAt when the token expires
	 * @param channel the channel name
	 * @param topics the topics the token may read
	 * @param publish the topics the token may publish to
	 * @param cancel whether the token may cancel the runs of the channel
	 */
	public SubscriptionToken(String token, Instant expiresAt, String channel, List<String> topics, List<String> publish,
			boolean cancel) {
		this(token, expiresAt, channel, topics, publish, cancel, false);
	}

	/**
	 * Create a new instance of a token that grants no cancel.
	 * @param token the compact JWS
	 * @param expiresAt when the token expires
	 * @param channel the channel name
	 * @param topics the topics the token may read
	 * @param publish the topics the token may publish to
	 */
	public SubscriptionToken(String token, Instant expiresAt, String channel, List<String> topics,
			List<String> publish) {
		this(token, expiresAt, channel, topics, publish, false, false);
	}

}
