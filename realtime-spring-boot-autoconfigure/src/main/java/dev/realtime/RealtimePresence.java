package dev.realtime;

import java.util.List;

import reactor.core.publisher.Mono;

/**
 * Tells who is subscribed to the channels that track presence
 * ({@link RealtimeChannel#presence() @RealtimeChannel(presence = true)}), on every node
 * of the engine.
 * <p>
 * A member is the subject of a subscription's token; several subscriptions of one user
 * (tabs, devices, nodes) make one member. Subscriptions whose token names no subject are
 * not members.
 *
 * @author Realtime team
 * @since 0.1.0
 */
public interface RealtimePresence {

	/**
	 * Return who is subscribed to a channel.
	 * @param channel the channel name, for example {@code room:lobby}
	 * @return the members and their count, or an {@link InvalidChannelException} when no
	 * declared channel has that name or it does not track presence
	 */
	Mono<PresenceSnapshot> presence(String channel);

	/**
	 * Return the members of a channel, at most {@code realtime.presence.max-members}.
	 * @param channel the channel name
	 * @return the members, or an error as for {@link #presence(String)}
	 */
	default Mono<List<PresenceMember>> members(String channel) {
		return presence(channel).map(PresenceSnapshot::members);
	}

	/**
	 * Return how many members a channel has, exact even beyond
	 * {@code realtime.presence.max-members}.
	 * @param channel the channel name
	 * @return the count, or an error as for {@link #presence(String)}
	 */
	default Mono<Long> count(String channel) {
		return presence(channel).map(PresenceSnapshot::count);
	}

}
