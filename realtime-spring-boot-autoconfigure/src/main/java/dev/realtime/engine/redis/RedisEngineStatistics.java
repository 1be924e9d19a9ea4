package dev.realtime.engine.redis;

import java.util.Locale;
import java.util.concurrent.atomic.LongAdder;

/**
 * What a {@link RedisEngine} counts for monitoring: round trips to Redis, and how its
 * node-level subscriptions fared when the pub/sub connection dropped. The counters are
 * plain {@link LongAdder}s that meters read when they are scraped.
 *
 * @author Realtime team
 * @since 0.1.0
 * @see RedisEngine#statistics()
 */
public final class RedisEngineStatistics {

	private final LongAdder[] commands = adders(Command.values().length);

	private final LongAdder[] commandNanos = adders(Command.values().length);

	private final LongAdder[] catchUps = adders(CatchUp.values().length);

	private final LongAdder gaps = new LongAdder();

	private final LongAdder resubscriptions = new LongAdder();

	private final LongAdder pubSubLost = new LongAdder();

	RedisEngineStatistics() {
	}

	void roundTrip(Command command, long nanos) {
		this.commands[command.ordinal()].increment();
		this.commandNanos[command.ordinal()].add(nanos);
	}

	void gapDetected() {
		this.gaps.increment();
	}

	void resubscribed() {
		this.resubscriptions.increment();
	}

	void pubSubEnded() {
		this.pubSubLost.increment();
	}

	void caughtUp(CatchUp result) {
		this.catchUps[result.ordinal()].increment();
	}

	/**
	 * Return how many commands of a kind Redis answered.
	 * @param command the kind of command
	 * @return the number of answered commands
	 */
	public long commands(Command command) {
		return this.commands[command.ordinal()].sum();
	}

	/**
	 * Return the time commands of a kind took from sending to Redis's answer, in total.
	 * @param command the kind of command
	 * @return the total round-trip time in nanoseconds
	 */
	public long commandNanos(Command command) {
		return this.commandNanos[command.ordinal()].sum();
	}

	/**
	 * Return how many times a channel received a message whose offset showed that the
	 * node had missed some.
	 * @return the number of gaps detected
	 */
	public long gaps() {
		return this.gaps.sum();
	}

	/**
	 * Return how many times Redis confirmed a channel's subscription again after the
	 * client re-established the pub/sub connection.
	 * @return the number of re-subscriptions
	 */
	public long resubscriptions() {
		return this.resubscriptions.sum();
	}

	/**
	 * Return how many times the pub/sub connection ended for good, which ends the
	 * listeners of every channel of the node so that their subscribers resume.
	 * @return the number of lost pub/sub connections
	 */
	public long pubSubLost() {
		return this.pubSubLost.sum();
	}

	/**
	 * Return how many reads of missed messages ended with a given result.
	 * @param result the result
	 * @return the number of catch-ups with that result
	 */
	public long catchUps(CatchUp result) {
		return this.catchUps[result.ordinal()].sum();
	}

	private static LongAdder[] adders(int size) {
		LongAdder[] adders = new LongAdder[size];
		for (int i = 0; i < size; i++) {
			adders[i] = new LongAdder();
		}
		return adders;
	}

	/**
	 * The commands the engine sends to Redis.
	 */
	public enum Command {

		/** The publish script: assign an id, append to history, publish. */
		PUBLISH,

		/** The history script: a channel's state and retained messages. */
		HISTORY,

		/** A {@code PING}, from the health check. */
		PING;

		/**
		 * Return the value of the {@code command} tag.
		 * @return the tag value
		 */
		public String tag() {
			return name().toLowerCase(Locale.ROOT);
		}

	}

	/**
	 * How a channel's read of the messages its node missed ended.
	 */
	public enum CatchUp {

		/** Every missed message was read and delivered. */
		RECOVERED,

		/**
		 * Some could not be delivered, being no longer in history or followed by more
		 * live messages than the channel may hold meanwhile: the channel's listeners
		 * ended so that their subscribers resume and learn {@code recovered: false}.
		 */
		LOST,

		/** Redis did not answer; the read is retried after a delay. */
		FAILED;

		/**
		 * Return the value of the {@code result} tag.
		 * @return the tag value
		 */
		public String tag() {
			return name().toLowerCase(Locale.ROOT);
		}

	}

}
