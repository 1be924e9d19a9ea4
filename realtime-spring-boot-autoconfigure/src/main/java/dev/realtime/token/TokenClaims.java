package dev.realtime.token;

import java.time.Instant;
import java.util.Set;

/**
 * The claims of a verified token.
 *
 * @param id the token id
 * @param channel the channel name
 * @param topics the topics the holder may read, never empty
 * @param publish the topics the holder may publish to
 * @param issuedAt when the token was issued
 * @param expiresAt when the token expires
 * @author Realtime team
 * @since 0.1.0
 */
public record TokenClaims(String id, String channel, Set<String> topics, Set<String> publish, Instant issuedAt,
		Instant expiresAt) {

}
