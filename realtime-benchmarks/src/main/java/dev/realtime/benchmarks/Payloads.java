package dev.realtime.benchmarks;

import java.time.Instant;

/**
 * The benchmark payload: about 100 bytes of JSON whose {@code t} field is the wall-clock
 * time of publishing in microseconds, so that any process on the machine can measure
 * publish to receive latency.
 *
 * @author Realtime team
 * @since 0.1.0
 */
public final class Payloads {

	/** Pads the JSON to about 100 bytes. */
	public static final String PADDING = "x".repeat(72);

	private Payloads() {
	}

	/**
	 * Return the wall-clock time in microseconds.
	 * @return microseconds since the epoch
	 */
	public static long micros() {
		Instant now = Instant.now();
		return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
	}

	/**
	 * Return a payload stamped with the current time.
	 * @return the JSON payload
	 */
	public static String json() {
		return json(micros());
	}

	/**
	 * Return a payload stamped with the given time.
	 * @param micros the time in microseconds
	 * @return the JSON payload
	 */
	public static String json(long micros) {
		return "{\"t\":" + micros + ",\"p\":\"" + PADDING + "\"}";
	}

}
