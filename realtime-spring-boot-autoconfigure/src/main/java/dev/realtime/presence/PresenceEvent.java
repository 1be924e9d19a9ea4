package dev.realtime.presence;

import java.util.Map;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * The payload of a message on the reserved {@code $presence} topic: a member joined or
 * left the channel.
 *
 * @param type {@code join} or {@code leave}
 * @param user the member
 * @param info what the application attached to the member's token
 * @param count how many members the channel has after the change
 * @author Realtime team
 * @since 0.1.0
 */
@JsonPropertyOrder({ "type", "user", "info", "count" })
public record PresenceEvent(String type, String user, Map<String, String> info, long count) {

}
