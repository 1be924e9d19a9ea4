package dev.realtime.engine;

import org.jspecify.annotations.Nullable;

/**
 * An event of an engine subscription: the initial {@link Subscribed} or a message.
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
