package dev.realtime.engine;

import java.util.concurrent.ThreadLocalRandom;

import org.jspecify.annotations.Nullable;

/**
 * The position of a message in its channel: an offset, strictly increasing per channel,
 * and the epoch of the channel's history. The epoch changes when an engine lost the
 * history (a restart, a Redis data loss), so that a resume across the loss is reported as
 * not recovered instead of silently skipping. On the wire the id is
 * {@code <offset>-<epoch>}.
 *
 * @param offset the offset, from 1
 * @param epoch the epoch, lower-case letters and digits
 * @author Realtime team
 * @since 0.1.0
 */
public record MessageId(long offset, String epoch) {

	/**
	 * Parse an id.
	 * @param id the id as sent on the wire
	 * @return the id, or {@code null} if it is malformed
	 */
	public static @Nullable MessageId parse(String id) {
		int dash = id.indexOf('-');
		// Long.parseLong alone would also accept a sign
		if (dash < 1 || dash == id.length() - 1 || id.length() > 40 || !isDigits(id, dash)) {
			return null;
		}
		try {
			long offset = Long.parseLong(id, 0, dash, 10);
			String epoch = id.substring(dash + 1);
			return (offset > 0 && epoch.chars().allMatch(MessageId::isEpochChar)) ? new MessageId(offset, epoch) : null;
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

	/**
	 * Create a new random epoch.
	 * @return an epoch
	 */
	public static String newEpoch() {
		return Long.toString(ThreadLocalRandom.current().nextLong() >>> 1, 36);
	}

	private static boolean isDigits(String id, int end) {
		for (int i = 0; i < end; i++) {
			if (id.charAt(i) < '0' || id.charAt(i) > '9') {
				return false;
			}
		}
		return true;
	}

	private static boolean isEpochChar(int c) {
		return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
	}

	@Override
	public String toString() {
		return this.offset + "-" + this.epoch;
	}

}
