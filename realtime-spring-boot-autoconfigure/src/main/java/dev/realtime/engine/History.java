package dev.realtime.engine;

import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * What a channel's history holds for a {@link Replay}: the retained messages to replay,
 * oldest first, and whether a requested resume is complete.
 *
 * @param recovered {@code null} when no resume was asked, {@code true} when every message
 * after the requested id is in {@code messages}, {@code false} when some are gone
 * @param messages the retained messages to replay, oldest first
 * @author Realtime team
 * @since 0.1.0
 */
public record History(@Nullable Boolean recovered, List<EngineMessage> messages) {

	private static final History NONE = new History(null, List.of());

	/**
	 * Create a new instance.
	 * @param recovered whether a requested resume is complete
	 * @param messages the retained messages to replay, oldest first
	 */
	public History {
		Assert.notNull(messages, "'messages' must not be null");
	}

	/**
	 * Nothing to replay, no resume asked: what {@link Replay#none()} reads.
	 * @return the empty history
	 */
	public static History none() {
		return NONE;
	}

}
