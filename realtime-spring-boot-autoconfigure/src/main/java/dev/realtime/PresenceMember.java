package dev.realtime;

import java.util.Map;

import org.springframework.util.Assert;

/**
 * A member of a presence channel: a user with at least one subscription to it, on any
 * node, however many tabs it has open.
 *
 * @param user the subject of the member's tokens, the authenticated principal's name when
 * they were minted
 * @param info what the application attached to the member's token when it minted it,
 * never what the browser claims
 * @author Realtime team
 * @since 0.1.0
 * @see RealtimeChannel#presence()
 */
public record PresenceMember(String user, Map<String, String> info) {

	/**
	 * Create a new instance.
	 * @param user the subject of the member's tokens
	 * @param info what the application attached to the member's token
	 */
	public PresenceMember {
		Assert.hasText(user, "'user' must not be empty");
		Assert.notNull(info, "'info' must not be null");
		info = Map.copyOf(info);
	}

}
