package dev.realtime.metrics;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import org.jspecify.annotations.Nullable;

/**
 * The counts of one node: connections and subscriptions open now and over time,
 * deliveries, subscribers cut for slowness, resumes, publishes and tokens. Counting costs
 * an uncontended add, so it is always on; {@code dev.realtime.actuate.RealtimeMeters}
 * publishes the counts as Micrometer meters, and the {@code realtime} Actuator endpoint
 * shows them.
 *
 * @author Realtime team
 * @since 0.1.0
 */
public final class RealtimeStatistics {

	private final AtomicLong[] connections = atomics(Transport.values().length);

	private final LongAdder[] opened = adders(Transport.values().length);

	private final LongAdder[][] closed = new LongAdder[Transport.values().length][];

	private final AtomicLong[] subscriptions = atomics(Subscriber.values().length);

	private final LongAdder[] rejected = adders(Rejection.values().length);

	private final LongAdder deliveries = new LongAdder();

	private final LongAdder slowSubscribers = new LongAdder();

	private final LongAdder dropped = new LongAdder();

	private final LongAdder[] resumes = adders(Resume.values().length);

	private final LongAdder replayed = new LongAdder();

	private final LongAdder[][] publishes = new LongAdder[PublishSource.values().length][];

	private final LongAdder[] publishNanos = adders(PublishSource.values().length);

	private final LongAdder minted = new LongAdder();

	private final LongAdder[] denied = adders(Rejection.values().length);

	private final LongAdder[] tokenFailures = adders(TokenFailure.values().length);

	private final LongAdder[] runs = adders(RunEvent.values().length);

	private final AtomicLong replyWaits = new AtomicLong();

	/**
	 * Create counts that start at zero.
	 */
	public RealtimeStatistics() {
		for (int i = 0; i < this.closed.length; i++) {
			this.closed[i] = adders(CloseReason.values().length);
		}
		for (int i = 0; i < this.publishes.length; i++) {
			this.publishes[i] = adders(PublishOutcome.values().length);
		}
	}

	/**
	 * Count a connection that opened: an SSE stream or a WebSocket connection.
	 * @param transport its transport
	 */
	public void connectionOpened(Transport transport) {
		this.connections[transport.ordinal()].incrementAndGet();
		this.opened[transport.ordinal()].increment();
	}

	/**
	 * Count a connection that closed, once for each that opened.
	 * @param transport its transport
	 * @param reason why it closed
	 */
	public void connectionClosed(Transport transport, CloseReason reason) {
		this.connections[transport.ordinal()].decrementAndGet();
		this.closed[transport.ordinal()][reason.ordinal()].increment();
	}

	/**
	 * Count a subscription to a channel that started: one per SSE stream, one per channel
	 * of a WebSocket connection, one per Java subscriber.
	 * @param subscriber who subscribed
	 */
	public void subscriptionOpened(Subscriber subscriber) {
		this.subscriptions[subscriber.ordinal()].incrementAndGet();
	}

	/**
	 * Count a subscription that ended, once for each that started.
	 * @param subscriber who had subscribed
	 */
	public void subscriptionClosed(Subscriber subscriber) {
		this.subscriptions[subscriber.ordinal()].decrementAndGet();
	}

	/**
	 * Count a subscription refused before it started.
	 * @param reason why
	 */
	public void subscriptionRejected(Rejection reason) {
		this.rejected[reason.ordinal()].increment();
	}

	/**
	 * Count a message handed to a subscriber.
	 */
	public void delivered() {
		this.deliveries.increment();
	}

	/**
	 * Count a subscriber ended because it did not keep up.
	 * @param droppedMessages the messages that waited for it and were dropped
	 */
	public void slowSubscriberCut(int droppedMessages) {
		this.slowSubscribers.increment();
		this.dropped.add(droppedMessages);
	}

	/**
	 * Count a subscription's replay.
	 * @param recovered whether a resume was complete, {@code null} when no resume was
	 * asked
	 * @param replayedMessages how many messages the history gave
	 */
	public void replayed(@Nullable Boolean recovered, int replayedMessages) {
		Resume resume = Resume.NONE;
		if (recovered != null) {
			resume = recovered ? Resume.RECOVERED : Resume.NOT_RECOVERED;
		}
		this.resumes[resume.ordinal()].increment();
		this.replayed.add(replayedMessages);
	}

	/**
	 * Count a publish.
	 * @param source who published
	 * @param outcome how it ended
	 * @param nanos how long the engine took to accept it, for {@link PublishOutcome#OK}
	 */
	public void published(PublishSource source, PublishOutcome outcome, long nanos) {
		this.publishes[source.ordinal()][outcome.ordinal()].increment();
		if (outcome == PublishOutcome.OK) {
			this.publishNanos[source.ordinal()].add(nanos);
		}
	}

	/**
	 * Count a subscription token minted.
	 */
	public void tokenMinted() {
		this.minted.increment();
	}

	/**
	 * Count a token request refused.
	 * @param reason why
	 */
	public void tokenDenied(Rejection reason) {
		this.denied[reason.ordinal()].increment();
	}

	/**
	 * Count a token or stream ticket presented to open a stream, publish or cancel that
	 * did not verify.
	 * @param reason why
	 */
	public void tokenRejected(TokenFailure reason) {
		this.tokenFailures[reason.ordinal()].increment();
	}

	/**
	 * Count an event of a run executing on this node.
	 * @param event the event
	 */
	public void run(RunEvent event) {
		this.runs[event.ordinal()].increment();
	}

	/**
	 * Count a run that starts waiting for a reply.
	 */
	public void replyWaitStarted() {
		this.replyWaits.incrementAndGet();
	}

	/**
	 * Count a run that stops waiting for a reply, once for each that started.
	 */
	public void replyWaitEnded() {
		this.replyWaits.decrementAndGet();
	}

	/**
	 * Return the connections open now.
	 * @param transport their transport
	 * @return the number of connections
	 */
	public long connections(Transport transport) {
		return this.connections[transport.ordinal()].get();
	}

	/**
	 * Return the connections opened so far.
	 * @param transport their transport
	 * @return the count
	 */
	public long opened(Transport transport) {
		return this.opened[transport.ordinal()].sum();
	}

	/**
	 * Return the connections closed so far for a reason.
	 * @param transport their transport
	 * @param reason the reason
	 * @return the count
	 */
	public long closed(Transport transport, CloseReason reason) {
		return this.closed[transport.ordinal()][reason.ordinal()].sum();
	}

	/**
	 * Return the subscriptions open now.
	 * @return the number of subscriptions
	 */
	public long subscriptions() {
		long subscriptions = 0;
		for (AtomicLong count : this.subscriptions) {
			subscriptions += count.get();
		}
		return subscriptions;
	}

	/**
	 * Return the subscriptions of one kind of subscriber open now.
	 * @param subscriber the kind of subscriber
	 * @return the number of subscriptions
	 */
	public long subscriptions(Subscriber subscriber) {
		return this.subscriptions[subscriber.ordinal()].get();
	}

	/**
	 * Return the subscriptions refused so far for a reason.
	 * @param reason the reason
	 * @return the count
	 */
	public long rejected(Rejection reason) {
		return this.rejected[reason.ordinal()].sum();
	}

	/**
	 * Return the messages handed to subscribers so far.
	 * @return the count
	 */
	public long deliveries() {
		return this.deliveries.sum();
	}

	/**
	 * Return the subscribers ended so far because they did not keep up.
	 * @return the count
	 */
	public long slowSubscribers() {
		return this.slowSubscribers.sum();
	}

	/**
	 * Return the messages dropped so far with the subscribers they waited for.
	 * @return the count
	 */
	public long dropped() {
		return this.dropped.sum();
	}

	/**
	 * Return the replays so far with a result.
	 * @param resume the result
	 * @return the count
	 */
	public long resumes(Resume resume) {
		return this.resumes[resume.ordinal()].sum();
	}

	/**
	 * Return the messages replayed from history so far.
	 * @return the count
	 */
	public long replayed() {
		return this.replayed.sum();
	}

	/**
	 * Return the publishes so far.
	 * @param source who published
	 * @param outcome how they ended
	 * @return the count
	 */
	public long publishes(PublishSource source, PublishOutcome outcome) {
		return this.publishes[source.ordinal()][outcome.ordinal()].sum();
	}

	/**
	 * Return how long the engine took, in total, to accept the successful publishes so
	 * far.
	 * @param source who published
	 * @return the total time in nanoseconds
	 */
	public long publishNanos(PublishSource source) {
		return this.publishNanos[source.ordinal()].sum();
	}

	/**
	 * Return the tokens minted so far.
	 * @return the count
	 */
	public long minted() {
		return this.minted.sum();
	}

	/**
	 * Return the token requests refused so far for a reason.
	 * @param reason the reason
	 * @return the count
	 */
	public long denied(Rejection reason) {
		return this.denied[reason.ordinal()].sum();
	}

	/**
	 * Return the tokens and tickets that did not verify so far for a reason.
	 * @param reason the reason
	 * @return the count
	 */
	public long tokenFailures(TokenFailure reason) {
		return this.tokenFailures[reason.ordinal()].sum();
	}

	/**
	 * Return the events of runs so far.
	 * @param event the event
	 * @return the count
	 */
	public long runs(RunEvent event) {
		return this.runs[event.ordinal()].sum();
	}

	/**
	 * Return the runs waiting for a reply now.
	 * @return the number of waits
	 */
	public long replyWaits() {
		return this.replyWaits.get();
	}

	private static AtomicLong[] atomics(int size) {
		AtomicLong[] atomics = new AtomicLong[size];
		for (int i = 0; i < size; i++) {
			atomics[i] = new AtomicLong();
		}
		return atomics;
	}

	private static LongAdder[] adders(int size) {
		LongAdder[] adders = new LongAdder[size];
		for (int i = 0; i < size; i++) {
			adders[i] = new LongAdder();
		}
		return adders;
	}

	private static String tag(Enum<?> value) {
		return value.name().toLowerCase(Locale.ROOT);
	}

	/**
	 * Who holds a subscription: a browser over one of the transports, or Java code in the
	 * application.
	 */
	public enum Subscriber {

		/** An SSE stream. */
		SSE,

		/** A channel of a WebSocket connection. */
		WEBSOCKET,

		/** A subscriber in the application, such as a run waiting for replies. */
		JAVA;

		/**
		 * Return the value of the {@code transport} tag.
		 * @return the tag value
		 */
		public String tag() {
			return RealtimeStatistics.tag(this);
		}

	}

	/**
	 * How a connection reaches the browser.
	 */
	public enum Transport {

		/** Server-Sent Events. */
		SSE,

		/** WebSocket. */
		WEBSOCKET;

		/**
		 * Return the value of the {@code transport} tag.
		 * @return the tag value
		 */
		public String tag() {
			return RealtimeStatistics.tag(this);
		}

	}

	/**
	 * Why a connection closed.
	 */
	public enum CloseReason {

		/** The client went away. */
		CLIENT,

		/** A token expired. */
		EXPIRED,

		/** The client did not keep up. */
		SLOW_CONSUMER,

		/** The engine could not guarantee the stream was complete: the client resumes. */
		SUBSCRIPTION_LOST,

		/** The application shut down, or its engine stopped. */
		SHUTDOWN,

		/** The server closed the channel, as after revoking access. */
		CLOSED,

		/** The client broke the protocol or sent a token that does not verify. */
		PROTOCOL,

		/** Something failed on the server. */
		ERROR;

		/**
		 * Return the value of the {@code reason} tag.
		 * @return the tag value
		 */
		public String tag() {
			return RealtimeStatistics.tag(this);
		}

	}

	/**
	 * Why a token or subscription was refused.
	 */
	public enum Rejection {

		/** No authenticated user where the channel needs one. */
		UNAUTHENTICATED,

		/** The channel's rule said no. */
		FORBIDDEN,

		/** The request or its token was not valid. */
		INVALID,

		/** A connection limit was reached. */
		CAP;

		/**
		 * Return the value of the {@code reason} tag.
		 * @return the tag value
		 */
		public String tag() {
			return RealtimeStatistics.tag(this);
		}

	}

	/**
	 * Why a token or stream ticket did not verify.
	 */
	public enum TokenFailure {

		/** Malformed, not signed by this application's key, or not a token at all. */
		INVALID,

		/** Valid, but past its expiry. */
		EXPIRED,

		/** A stream ticket that is unknown, used already or expired. */
		TICKET;

		/**
		 * Return the value of the {@code reason} tag.
		 * @return the tag value
		 */
		public String tag() {
			return RealtimeStatistics.tag(this);
		}

	}

	/**
	 * What a resuming subscriber learned.
	 */
	public enum Resume {

		/** Every message after its id was replayed. */
		RECOVERED,

		/** Some messages after its id are gone. */
		NOT_RECOVERED,

		/** It did not resume. */
		NONE;

		/**
		 * Return the value of the {@code recovered} tag.
		 * @return the tag value
		 */
		public String tag() {
			return switch (this) {
				case RECOVERED -> "true";
				case NOT_RECOVERED -> "false";
				case NONE -> "none";
			};
		}

	}

	/**
	 * Who published.
	 */
	public enum PublishSource {

		/** Application code. */
		SERVER,

		/** A browser, through the publish endpoint or a WebSocket frame. */
		CLIENT,

		/** A run: its lifecycle, results and messages. */
		RUN;

		/**
		 * Return the value of the {@code source} tag.
		 * @return the tag value
		 */
		public String tag() {
			return RealtimeStatistics.tag(this);
		}

	}

	/**
	 * How a publish ended.
	 */
	public enum PublishOutcome {

		/** The engine accepted it. */
		OK,

		/** Its payload did not validate. */
		INVALID,

		/** Its payload was larger than allowed. */
		TOO_LARGE,

		/** The engine failed. */
		UNAVAILABLE,

		/** The engine did not answer in time. */
		TIMEOUT;

		/**
		 * Return the value of the {@code outcome} tag.
		 * @return the tag value
		 */
		public String tag() {
			return RealtimeStatistics.tag(this);
		}

	}

	/**
	 * What happened to a run executing on this node.
	 */
	public enum RunEvent {

		/** It started executing here: started, or taken over. */
		STARTED,

		/** It completed with a result. */
		COMPLETED,

		/** It failed for good. */
		FAILED,

		/** It was cancelled. */
		CANCELLED,

		/** An attempt failed and another was scheduled. */
		RETRIED;

		/**
		 * Return the value of the {@code event} tag.
		 * @return the tag value
		 */
		public String tag() {
			return RealtimeStatistics.tag(this);
		}

	}

}
