package dev.realtime.engine;

import java.util.Map;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Moves messages from publishers to the subscribers of a channel, on every node, and
 * keeps each channel's recent history for late and reconnecting subscribers.
 * <p>
 * Implementations assign each message an id that is strictly increasing per channel and
 * deliver the messages of a channel to every subscriber in id order. Neither method may
 * block the calling thread.
 *
 * @author Realtime team
 * @since 0.1.0
 */
public interface RealtimeEngine {

	/**
	 * Publish a message: assign its id, keep it in the channel history when
	 * {@link PublishRequest#retain()} is set, and deliver it to the channel's
	 * subscribers.
	 * @param request the message to publish, its payload already encoded
	 * @return the message as delivered, or an error if the engine could not accept it
	 */
	Mono<EngineMessage> publish(PublishRequest request);

	/**
	 * Subscribe to a channel. The first event is always {@link EngineEvent.Subscribed}
	 * telling whether the requested resume succeeded; the replayed history follows, then
	 * the live messages, with no gap and no duplicate between the two. The flux errors
	 * with {@link SlowSubscriberException} when the subscriber falls too far behind and
	 * with {@link SubscriptionLostException} when the engine cannot guarantee the stream
	 * is complete any more; the subscriber resumes from its last id.
	 * @param channel the channel name
	 * @param replay what to replay before the live messages
	 * @return the events of the subscription
	 */
	Flux<EngineEvent> subscribe(String channel, Replay replay);

	/**
	 * Read what a subscription with the given replay would replay, without subscribing.
	 * Transports that share one live subscription among many local subscribers read each
	 * subscriber's history with this after the live subscription started, then skip the
	 * live messages the history already holds.
	 * @param channel the channel name
	 * @param replay what to read
	 * @return the retained messages to replay and whether a resume is complete
	 */
	Mono<History> history(String channel, Replay replay);

	/**
	 * Check whether the engine can publish and deliver now. Engines that depend on
	 * another system (Redis) ask it, within a short time; the default is up.
	 * @return the health, never an error
	 */
	default Mono<EngineHealth> health() {
		return Mono.just(EngineHealth.up(getClass().getSimpleName(), Map.of()));
	}

}
