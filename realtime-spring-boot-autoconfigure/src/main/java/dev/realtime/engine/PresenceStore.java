package dev.realtime.engine;

import java.util.Collection;

import dev.realtime.PresenceMember;
import dev.realtime.PresenceSnapshot;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Where the members of presence channels are kept, for every node of the engine. The hub
 * of each node tells the store when a user gets its first subscription to a channel on
 * the node and when it loses its last; the store answers with the change the channel's
 * subscribers should hear of, once per user however many nodes it is on.
 * <p>
 * Each channel lists its first {@code maxMembers} members; the others are counted, not
 * listed, and their joins and leaves are not reported. Stores shared by several nodes
 * forget the members of a node that stops refreshing them within a bound. No method may
 * block.
 *
 * @author Realtime team
 * @since 0.1.0
 */
public interface PresenceStore {

	/**
	 * Record that a user has a subscription to a channel on this node.
	 * @param channel the channel name
	 * @param member the user and its info
	 * @return the join to announce, or empty when the user already was a member (on
	 * another node) or is not listed
	 */
	Mono<PresenceChange> join(String channel, PresenceMember member);

	/**
	 * Record that a user has no subscription to a channel on this node any more.
	 * @param channel the channel name
	 * @param user the user
	 * @return the leave to announce, or empty when the user stays a member (on another
	 * node), was no member, or was not listed
	 */
	Mono<PresenceChange> leave(String channel, String user);

	/**
	 * Confirm that the given users still have subscriptions to a channel on this node,
	 * and forget the members of nodes that stopped confirming theirs.
	 * @param channel the channel name
	 * @param members the members of this node
	 * @return the leaves of the forgotten members and the joins of this node's members
	 * the store had lost, to announce
	 */
	Flux<PresenceChange> refresh(String channel, Collection<PresenceMember> members);

	/**
	 * Return who is subscribed to a channel.
	 * @param channel the channel name
	 * @return the listed members and the exact count
	 */
	Mono<PresenceSnapshot> members(String channel);

}
