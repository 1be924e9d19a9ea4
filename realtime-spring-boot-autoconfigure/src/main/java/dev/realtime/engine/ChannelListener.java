package dev.realtime.engine;

import org.jspecify.annotations.Nullable;

/**
 * Listens to the live messages of one channel on this node, as registered with
 * {@link RealtimeEngine#listen}. A node holds one listener per channel, which fans the
 * messages out to the node's subscribers; the engine keeps no queue for it.
 * <p>
 * The engine calls a listener one call at a time and never after {@link #ended}; calls
 * may come from the publishing thread or the engine's I/O threads, so a listener must
 * return quickly and never block.
 *
 * @author Realtime team
 * @since 0.1.0
 */
public interface ChannelListener {

	/**
	 * Called once, when every message of the channel published from now on will reach
	 * {@link #message}: the point after which a subscriber reads the history it asked
	 * for. Messages may arrive before it; they are also in the history, or were not
	 * retained.
	 */
	void live();

	/**
	 * Take a message of the channel. Messages come in id order, each once.
	 * @param message the message
	 */
	void message(EngineMessage message);

	/**
	 * Called once when the engine stops delivering: {@code null} when the engine shuts
	 * down, a {@link SubscriptionLostException} when it cannot guarantee that the
	 * messages are complete any more (the listener's subscribers resume from their last
	 * id), or the error that kept the engine from listening at all.
	 * @param error why, or {@code null} when the engine completed the listening
	 */
	void ended(@Nullable Throwable error);

}
