package dev.realtime;

import java.util.Collection;

import reactor.core.publisher.Flux;

/**
 * Subscribes to channels from Java, for consumers that relay messages elsewhere and for
 * tests. Browsers subscribe through the SSE and WebSocket endpoints.
 *
 * @author Realtime team
 * @since 0.1.0
 */
public interface RealtimeSubscriber {

	/**
	 * Subscribe to the live messages of one topic, from now on.
	 * @param <T> the payload type
	 * @param topic the topic
	 * @return the messages in publish order; completes never, errors if the subscriber
	 * falls too far behind
	 */
	<T> Flux<RealtimeMessage<T>> subscribe(Topic<T> topic);

	/**
	 * Subscribe to the live messages of several topics of a channel, from now on. Run
	 * lifecycle messages of the channel are always included.
	 * @param channel the channel
	 * @param topics the topic names; empty for every topic
	 * @return the messages in publish order, with payloads decoded to their topic types
	 */
	Flux<RealtimeMessage<Object>> subscribe(Channel channel, Collection<String> topics);

}
