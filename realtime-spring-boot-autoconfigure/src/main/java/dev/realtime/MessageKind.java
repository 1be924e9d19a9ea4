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
	PRESENCE;

	/**
	 * Return the name used on the wire.
	 * @return {@code "data"}, {@code "run"} or {@code "presence"}
	 */
	public String wireName() {
		return switch (this) {
			case DATA -> "data";
			case RUN -> "run";
			case PRESENCE -> "presence";
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
			default -> throw new IllegalArgumentException("Unknown message kind '" + wireName + "'");
		};
	}

}
