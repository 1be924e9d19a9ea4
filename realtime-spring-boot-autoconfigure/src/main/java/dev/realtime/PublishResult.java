package dev.realtime;

/**
 * What a successful publish returns.
 *
 * @param id the id assigned to the message
 * @param channel the channel name
 * @param topic the topic name
 * @author Realtime team
 * @since 0.1.0
 */
public record PublishResult(String id, String channel, String topic) {

}
