package dev.realtime.engine;

import dev.realtime.PresenceMember;

/**
 * A member that joined or left a presence channel, as a {@link PresenceStore} reports it:
 * once per user, across nodes.
 *
 * @param joined {@code true} for a join, {@code false} for a leave
 * @param member the member
 * @param count how many members the channel has after the change
 * @author Realtime team
 * @since 0.1.0
 */
public record PresenceChange(boolean joined, PresenceMember member, long count) {

}
