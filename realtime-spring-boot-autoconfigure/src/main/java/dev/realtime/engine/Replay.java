package dev.realtime.engine;

import org.jspecify.annotations.Nullable;

/**
 * What a subscription replays from the channel history before the live messages.
 *
 * @param mode the replay mode
 * @param lastId with {@link Mode#AFTER}, the id of the last message the subscriber has
 * @author Realtime team
 * @since 0.1.0
 */
public record Replay(Mode mode, @Nullable String lastId) {

	private static final Replay NONE = new Replay(Mode.NONE, null);

	private static final Replay ALL = new Replay(Mode.ALL, null);

	/**
	 * Live messages only.
	 * @return the replay
	 */
	public static Replay none() {
		return NONE;
	}

	/**
	 * The whole retained history, then the live messages.
	 * @return the replay
	 */
	public static Replay all() {
		return ALL;
	}

	/**
	 * Everything after the given message, then the live messages.
	 * @param lastId the id of the last message the subscriber has
	 * @return the replay
	 */
	public static Replay after(String lastId) {
		return new Replay(Mode.AFTER, lastId);
	}

	/**
	 * Replay modes.
	 */
	public enum Mode {

		/**
		 * Live messages only.
		 */
		NONE,

		/**
		 * The whole retained history, then the live messages.
		 */
		ALL,

		/**
		 * Everything after a given id, then the live messages.
		 */
		AFTER

	}

}
