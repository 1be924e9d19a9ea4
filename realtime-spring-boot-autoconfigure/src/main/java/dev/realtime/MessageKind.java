package dev.realtime;

/**
 * What a message carries.
 *
 * @author Realtime team
 * @since 0.1.0
 */
public enum MessageKind {

	/**
	 * Application data published on a topic.
	 */
	DATA,

	/**
	 * A run lifecycle change on the reserved {@code $run} topic.
	 */
	RUN,

	/**
	 * A member joining or leaving a presence channel, on the reserved {@code $presence}
	 * topic.
	 */
	PRESENCE,

	/**
	 * The whole text of a stream topic up to one of its chunks: what a late or resuming
	 * subscriber receives instead of the chunks, and what a reset publishes.
	 */
	SNAPSHOT;

	/**
	 * Return the name used on the wire.
	 * @return {@code "data"}, {@code "run"}, {@code "presence"} or {@code "snapshot"}
	 */
	public String wireName() {
		return switch (this) {
			case DATA -> "data";
			case RUN -> "run";
			case PRESENCE -> "presence";
			case SNAPSHOT -> "snapshot";
		};
	}

	/**
	 * Return the kind of a wire name.
	 * @param wireName the name used on the wire
	 * @return the kind
	 * @throws IllegalArgumentException if no kind has that name
	 */
	public static MessageKind ofWireName(String wireName) {
		return switch (wireName) {
			case "data" -> DATA;
			case "run" -> RUN;
			case "presence" -> PRESENCE;
			case "snapshot" -> SNAPSHOT;
			default -> throw new IllegalArgumentException("Unknown message kind '" + wireName + "'");
		};
	}

}
