package dev.realtime;

import reactor.core.publisher.Mono;

/**
 * Publishes typed messages to channel topics. Each payload is validated (Bean Validation,
 * when available) and its encoded size checked before anything is sent; a message that
 * fails is never delivered.
 * <p>
 * Publishing is non-durable: messages are delivered to current subscribers and kept in
 * the channel history unless the topic opts out. For publish-once messages use runs.
 *
 * @author Realtime team
 * @since 0.1.0
 */
public interface RealtimePublisher {

	/**
	 * Publish a message and wait until the engine has accepted it. Not for event loops or
	 * other non-blocking threads: reactive code uses
	 * {@link #publishReactive(Topic, Object)}.
	 * @param <T> the payload type
	 * @param topic the topic
	 * @param payload the payload
	 * @return the id of the message
	 * @throws InvalidPayloadException if the payload fails validation
	 * @throws MessageTooLargeException if the encoded payload exceeds the size limit
	 * @throws PublishException if the engine could not accept the message
	 * @throws IllegalStateException on a non-blocking thread, where nothing is published
	 */
	<T> PublishResult publish(Topic<T> topic, T payload);

	/**
	 * Publish a message when the returned {@link Mono} is subscribed to.
	 * @param <T> the payload type
	 * @param topic the topic
	 * @param payload the payload
	 * @return the id of the message, or an error as listed for
	 * {@link #publish(Topic, Object)}
	 */
	<T> Mono<PublishResult> publishReactive(Topic<T> topic, T payload);

}
