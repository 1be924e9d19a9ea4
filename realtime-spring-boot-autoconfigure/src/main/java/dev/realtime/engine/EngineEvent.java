package dev.realtime.engine;

import org.jspecify.annotations.Nullable;

/**
 * An event of a subscription to a channel, as the hub delivers it to a Java subscriber:
 * the initial {@link Subscribed}, then the messages.
 *
 * @author Realtime team
 * @since 0.1.0
 */
public sealed interface EngineEvent permits EngineEvent.Subscribed, EngineMessage {

	/**
	 * The first event of every subscription.
	 *
	 * @param recovered {@code null} when no resume was asked, {@code true} when every
	 * message after the requested id is replayed, {@code false} when some are gone
	 */
	record Subscribed(@Nullable Boolean recovered) implements EngineEvent {

	}

}
