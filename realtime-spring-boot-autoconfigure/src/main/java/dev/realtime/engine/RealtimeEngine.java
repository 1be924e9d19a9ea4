package dev.realtime.engine;

import java.util.Map;

import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/**
 * The broker: moves messages from publishers to the nodes that listen to their channel,
 * and keeps each channel's recent history for late and reconnecting subscribers.
 * <p>
 * Implementations assign each message an id that is strictly increasing per channel and
 * deliver the messages of a channel to every listener in id order. The engine knows
 * nodes, not subscribers: fanning a message out to a node's subscribers, their queues and
 * their replay belong to the hub. No method may block the calling thread.
 *
 * @author Realtime team
 * @since 0.1.0
 */
public interface RealtimeEngine {

	/**
	 * Publish a message: assign its id, keep it in the channel history when
	 * {@link PublishRequest#retain()} is set, and deliver it to the channel's listeners
	 * on every node.
	 * @param request the message to publish, its payload already encoded
	 * @return the message as delivered, or an error if the engine could not accept it
	 */
	Mono<EngineMessage> publish(PublishRequest request);

	/**
	 * Listen to the live messages of a channel on this node until the returned
	 * {@link Disposable} is disposed. The engine keeps no queue per listener and replays
	 * nothing: a subscriber that needs what came before reads it with {@link #history}
	 * after {@link ChannelListener#live()} and skips the live messages its history
	 * already holds.
	 * @param channel the channel name
	 * @param listener the listener
	 * @return stops the listening
	 */
	Disposable listen(String channel, ChannelListener listener);

	/**
	 * Read the retained messages of a channel that a subscriber asks to replay.
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
