package dev.realtime;

import java.util.List;

import org.springframework.util.Assert;

/**
 * Who is subscribed to a presence channel now.
 *
 * @param channel the channel name
 * @param count how many members the channel has, exact even when they are not all listed
 * @param members the members, at most {@code realtime.presence.max-members} of them
 * @author Realtime team
 * @since 0.1.0
 */
public record PresenceSnapshot(String channel, long count, List<PresenceMember> members) {

	/**
	 * Create a new instance.
	 * @param channel the channel name
	 * @param count how many members the channel has
	 * @param members the members that are listed
	 */
	public PresenceSnapshot {
		Assert.hasText(channel, "'channel' must not be empty");
		Assert.isTrue(count >= 0, "'count' must not be negative");
		members = List.copyOf(members);
	}

}
