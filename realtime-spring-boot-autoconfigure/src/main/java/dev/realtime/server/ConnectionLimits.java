package dev.realtime.server;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.realtime.metrics.RealtimeStatistics;
import dev.realtime.metrics.RealtimeStatistics.Rejection;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * Counts the open streams of each token and the open connections of each principal, so
 * that one token or one user cannot open streams without bound. An SSE stream is a stream
 * and a connection; a WebSocket subscription is a stream, and its connection counts once
 * for each principal it carries subscriptions of. Every place taken is given back through
 * its {@link Permit}, however the stream ends.
 *
 * @author Realtime team
 * @since 0.1.0
 */
public final class ConnectionLimits {

	private final int streamsPerToken;

	private final int connectionsPerPrincipal;

	private final RealtimeStatistics statistics;

	private final ConcurrentHashMap<String, Integer> streams = new ConcurrentHashMap<>();

	private final ConcurrentHashMap<String, Integer> connections = new ConcurrentHashMap<>();

	/**
	 * Create a new instance.
	 * @param streamsPerToken how many streams one token may hold open
	 * @param connectionsPerPrincipal how many connections one principal may hold open
	 * @param statistics where to count what the limits refuse
	 */
	ConnectionLimits(int streamsPerToken, int connectionsPerPrincipal, RealtimeStatistics statistics) {
		Assert.isTrue(streamsPerToken > 0, "'streamsPerToken' must be positive");
		Assert.isTrue(connectionsPerPrincipal > 0, "'connectionsPerPrincipal' must be positive");
		this.streamsPerToken = streamsPerToken;
		this.connectionsPerPrincipal = connectionsPerPrincipal;
		this.statistics = statistics;
	}

	/**
	 * Take a stream's place for a token.
	 * @param tokenId the token's id
	 * @return the place, to release when the stream ends
	 * @throws TooManyConnectionsException if the token holds its maximum already
	 */
	Permit stream(String tokenId) {
		if (!take(this.streams, tokenId, this.streamsPerToken)) {
			this.statistics.subscriptionRejected(Rejection.CAP);
			throw new TooManyConnectionsException("too_many_streams",
					"At most " + this.streamsPerToken + " streams per token (realtime.limits.streams-per-token)");
		}
		return new Counted(this.streams, tokenId);
	}

	/**
	 * Take a connection's place for a principal.
	 * @param principal the principal's name, or {@code null} when the token names none
	 * @return the place, to release when the connection ends
	 * @throws TooManyConnectionsException if the principal holds its maximum already
	 */
	Permit connection(@Nullable String principal) {
		if (principal == null) {
			return Permit.NONE;
		}
		if (!take(this.connections, principal, this.connectionsPerPrincipal)) {
			this.statistics.subscriptionRejected(Rejection.CAP);
			throw new TooManyConnectionsException("too_many_connections", "At most " + this.connectionsPerPrincipal
					+ " connections per user (realtime.limits.connections-per-principal)");
		}
		return new Counted(this.connections, principal);
	}

	/**
	 * Take a stream's place for its token and a connection's place for its principal.
	 * @param tokenId the token's id
	 * @param principal the principal's name, or {@code null} when the token names none
	 * @return both places, to release when the stream ends
	 * @throws TooManyConnectionsException if either is at its maximum
	 */
	Permit streamAndConnection(String tokenId, @Nullable String principal) {
		Permit connection = connection(principal);
		Permit stream;
		try {
			stream = stream(tokenId);
		}
		catch (TooManyConnectionsException ex) {
			connection.release();
			throw ex;
		}
		return () -> {
			stream.release();
			connection.release();
		};
	}

	/**
	 * Return how many places are taken.
	 * @return the streams and connections counted
	 */
	int taken() {
		return this.streams.values().stream().mapToInt(Integer::intValue).sum()
				+ this.connections.values().stream().mapToInt(Integer::intValue).sum();
	}

	private static boolean take(ConcurrentHashMap<String, Integer> counts, String key, int max) {
		boolean[] taken = new boolean[1];
		counts.compute(key, (name, count) -> {
			if (count != null && count >= max) {
				return count;
			}
			taken[0] = true;
			return (count != null) ? count + 1 : 1;
		});
		return taken[0];
	}

	/**
	 * A place taken, given back once however often it is released.
	 */
	@FunctionalInterface
	public interface Permit {

		/** A place that counts nothing. */
		Permit NONE = () -> {
		};

		/**
		 * Give the place back.
		 */
		void release();

	}

	/**
	 * The place of one token or principal.
	 */
	private static final class Counted implements Permit {

		private final ConcurrentHashMap<String, Integer> counts;

		private final String key;

		private final AtomicBoolean released = new AtomicBoolean();

		Counted(ConcurrentHashMap<String, Integer> counts, String key) {
			this.counts = counts;
			this.key = key;
		}

		@Override
		public void release() {
			if (this.released.compareAndSet(false, true)) {
				this.counts.computeIfPresent(this.key, (key, count) -> (count > 1) ? count - 1 : null);
			}
		}

	}

}
