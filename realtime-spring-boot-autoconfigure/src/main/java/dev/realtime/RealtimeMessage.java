package dev.realtime;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * A message as subscribers receive it: the envelope of the wire contract with its decoded
 * payload.
 *
 * @param <T> the payload type
 * @param id the message id, opaque and strictly increasing per channel
 * @param channel the channel name
 * @param topic the topic name ({@code $run} for run lifecycle messages)
 * @param data the payload
 * @param createdAt when the message was published
 * @param runId the run that published the message, if any
 * @param kind what the message carries
 * @author Realtime team
 * @since 0.1.0
 */
public record RealtimeMessage<T>(String id, String channel, String topic, T data, Instant createdAt,
		@Nullable String runId, MessageKind kind) {

}
