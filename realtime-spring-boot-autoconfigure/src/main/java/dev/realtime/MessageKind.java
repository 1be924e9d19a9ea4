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
	RUN;

	/**
	 * Return the name used on the wire.
	 * @return {@code "data"} or {@code "run"}
	 */
	public String wireName() {
		return (this == DATA) ? "data" : "run";
	}

}
