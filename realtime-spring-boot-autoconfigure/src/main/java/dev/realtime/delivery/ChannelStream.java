package dev.realtime.delivery;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.Set;

import dev.realtime.MessageKind;
import dev.realtime.RealtimeException;
import dev.realtime.engine.EngineMessage;
import dev.realtime.engine.History;
import dev.realtime.engine.MessageId;
import dev.realtime.engine.Replay;
import dev.realtime.engine.SubscriptionLostException;
import dev.realtime.metrics.RealtimeObservation;
import dev.realtime.metrics.RealtimeStatistics;
import dev.realtime.metrics.RealtimeStatistics.Subscriber;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;

/**
 * The messages of one channel for one client, as the wire contract orders them: once the
 * channel is live, the history the client asked for, then the live messages, each once
 * and in id order, of the topics its token allows (run messages always). Messages wait
 * while the client is not ready for them, up to the subscriber buffer plus the replay the
 * client asked for; beyond it the client is ended as too slow. Everything happens on the
 * client's loop.
 * <p>
 * This is the one place where history and live messages meet: every transport's streams
 * and every Java subscription are channel streams.
 *
 * @author Realtime team
 * @since 0.1.0
 */
public final class ChannelStream implements LocalFanOut.FanOutSubscriber {

	private final Client client;

	/** The channel, shared with its other subscribers once joined. */
	private String channel;

	private Set<String> topics;

	private final Replay replay;

	private final LocalFanOut fanOut;

	private final int capacity;

	private final RealtimeStatistics statistics;

	/** Whether it joined the fan-out and counts as a subscription. */
	private boolean joined;

	/** The observation of the opening, until the client is told it is subscribed. */
	private @Nullable Observation opening;

	private LocalFanOut.@Nullable Membership membership;

	private State state = State.WAITING;

	/**
	 * Messages that wait: the live ones received while the history is read, then the ones
	 * the client is not ready for.
	 */
	private @Nullable ArrayDeque<EngineMessage> waiting;

	/** The size of {@link #waiting}, for monitoring from other threads. */
	private volatile int queued;

	/** Epoch of the last message of the stream, to skip what the history held. */
	private @Nullable String epoch;

	/** Offset of the last message of the stream. */
	private long offset;

	/** Whether a message was written since the last flush. */
	private boolean written;

	/** How many messages may wait: the subscriber buffer, plus the replay asked for. */
	private int bound;

	/**
	 * When messages began to wait, or the client last took some of them, by
	 * {@link System#nanoTime()}.
	 */
	private long waitingSince;

	/**
	 * Create a new stream.
	 * @param client where the messages go
	 * @param channel the channel
	 * @param topics the topics the client may read
	 * @param replay what to replay first
	 * @param fanOut the fan-out to join, which tells how many messages may wait
	 */
	public ChannelStream(Client client, String channel, Set<String> topics, Replay replay, LocalFanOut fanOut) {
		this.client = client;
		this.channel = channel;
		this.topics = topics;
		this.replay = replay;
		this.fanOut = fanOut;
		this.capacity = fanOut.capacity();
		this.statistics = fanOut.statistics();
		this.bound = this.capacity;
	}

	/**
	 * Join the channel's fan-out, once; may be called from any thread. Every message
	 * published once this returns is delivered, or is in the history read after it.
	 */
	public void join() {
		this.joined = true;
		this.statistics.subscriptionOpened(this.client.subscriber());
		ObservationRegistry registry = this.fanOut.observationRegistry();
		if (!registry.isNoop()) {
			this.opening = RealtimeObservation.SUBSCRIPTION_OPEN.create(registry, this.channel, null).start();
		}
		this.fanOut.join(this);
	}

	@Override
	public void joined(LocalFanOut.Membership membership) {
		if (this.state == State.CLOSED) {
			// closed before it knew its place
			membership.dispose();
			return;
		}
		this.membership = membership;
		this.channel = membership.channel();
	}

	/**
	 * Stop: leave the channel and drop what waits. Called on the loop.
	 */
	public void close() {
		if (this.joined && this.state != State.CLOSED) {
			this.statistics.subscriptionClosed(this.client.subscriber());
		}
		opened(null, null);
		this.state = State.CLOSED;
		this.waiting = null;
		this.queued = 0;
		LocalFanOut.Membership membership = this.membership;
		if (membership != null) {
			this.membership = null;
			membership.dispose();
		}
	}

	/**
	 * Return the topics the client may read.
	 * @return the topics
	 */
	public Set<String> topics() {
		return this.topics;
	}

	/**
	 * Change the topics the client may read, after a token refresh.
	 * @param topics the topics
	 */
	public void topics(Set<String> topics) {
		this.topics = topics;
	}

	@Override
	public String channel() {
		return this.channel;
	}

	@Override
	public StreamLoop loop() {
		return this.client.loop();
	}

	@Override
	public void live() {
		if (this.state != State.WAITING) {
			return;
		}
		if (this.replay.mode() == Replay.Mode.NONE) {
			subscribed(null, 0);
			this.client.flush();
			return;
		}
		this.state = State.REPLAYING;
		this.fanOut.engine()
			.history(this.channel, this.replay)
			.subscribe((history) -> loop().execute(() -> replayed(history)),
					(ex) -> loop()
						.execute(() -> fail((ex instanceof RealtimeException) ? ex : new SubscriptionLostException(
								"Could not read the history of '" + this.channel + "': " + ex.getMessage(), ex))));
	}

	private void replayed(History history) {
		if (this.state != State.REPLAYING) {
			return;
		}
		ArrayDeque<EngineMessage> live = this.waiting;
		this.waiting = null;
		this.queued = 0;
		this.bound = this.capacity + history.messages().size();
		if (Boolean.TRUE.equals(history.recovered())) {
			// the client saw everything up to its id: a later message of another epoch
			// means the history was lost meanwhile
			MessageId lastId = MessageId.parse(Objects.requireNonNull(this.replay.lastId()));
			if (lastId != null) {
				this.epoch = lastId.epoch();
				this.offset = lastId.offset();
			}
		}
		subscribed(history.recovered(), history.messages().size());
		for (EngineMessage message : history.messages()) {
			deliver(message);
		}
		if (live != null) {
			for (EngineMessage message : live) {
				deliver(message);
			}
		}
		this.written = false;
		this.client.flush();
	}

	// goes live and tells the client, which then takes what was replayed
	private void subscribed(@Nullable Boolean recovered, int replayed) {
		this.state = State.LIVE;
		this.statistics.replayed(recovered, replayed);
		opened(recovered, null);
		this.client.subscribed(recovered);
	}

	@Override
	public void accept(EngineMessage message) {
		if (this.state == State.LIVE) {
			deliver(message);
		}
		else if (this.state == State.REPLAYING) {
			queue(message);
		}
	}

	private void deliver(EngineMessage message) {
		if (this.state != State.LIVE) {
			return;
		}
		MessageId id = message.id();
		if (this.epoch != null) {
			if (!this.epoch.equals(id.epoch())) {
				fail(new SubscriptionLostException("The history of '" + this.channel + "' changed while subscribing",
						null));
				return;
			}
			if (id.offset() <= this.offset) {
				// already in the history that was written
				return;
			}
		}
		if (this.epoch == null) {
			// once: storing the same reference for every message would make the
			// garbage collector scan this object again each time
			this.epoch = id.epoch();
		}
		this.offset = id.offset();
		if (message.kind() != MessageKind.RUN && !this.topics.contains(message.topic())) {
			return;
		}
		if (this.waiting != null || !this.client.isWritable()) {
			// one task waits for the client as long as messages wait
			boolean first = this.waiting == null;
			queue(message);
			if (first && this.state == State.LIVE) {
				this.client.whenWritable(this::writable);
			}
			return;
		}
		this.client.write(message);
		this.statistics.delivered();
		this.written = true;
	}

	private void queue(EngineMessage message) {
		ArrayDeque<EngineMessage> waiting = this.waiting;
		if (waiting == null) {
			waiting = new ArrayDeque<>();
			this.waiting = waiting;
			this.waitingSince = System.nanoTime();
		}
		else if (waiting.size() >= this.bound) {
			fail(new SlowSubscriberException(this.channel, this.capacity));
			return;
		}
		else if (this.state == State.LIVE && this.membership != null) {
			// a connection that takes nothing, as when the client stopped reading, is too
			// slow however few messages wait
			Duration writeTimeout = this.membership.writeTimeout();
			if (System.nanoTime() - this.waitingSince > writeTimeout.toNanos()) {
				fail(new SlowSubscriberException(this.channel, writeTimeout));
				return;
			}
		}
		waiting.add(message);
		this.queued = waiting.size();
	}

	private void writable() {
		ArrayDeque<EngineMessage> waiting = this.waiting;
		if (this.state != State.LIVE || waiting == null) {
			return;
		}
		EngineMessage message;
		while (this.client.isWritable() && (message = waiting.poll()) != null) {
			this.client.write(message);
			this.statistics.delivered();
			this.written = true;
		}
		this.queued = waiting.size();
		if (waiting.isEmpty()) {
			this.waiting = null;
		}
		else {
			this.waitingSince = System.nanoTime();
		}
		flush();
		if (this.waiting != null) {
			this.client.whenWritable(this::writable);
		}
	}

	@Override
	public int queued() {
		return this.queued;
	}

	@Override
	public void flush() {
		if (this.written) {
			this.written = false;
			this.client.flush();
		}
	}

	@Override
	public void ended(@Nullable Throwable error) {
		if (error != null) {
			fail(error);
		}
		else if (this.state != State.CLOSED) {
			close();
			this.client.completed();
		}
	}

	private void fail(Throwable error) {
		if (this.state == State.CLOSED) {
			return;
		}
		opened(null, error);
		if (error instanceof SlowSubscriberException) {
			ArrayDeque<EngineMessage> waiting = this.waiting;
			this.statistics.slowSubscriberCut((waiting != null) ? waiting.size() : 0);
		}
		close();
		this.client.failed(error);
	}

	// ends the observation of the opening, if it is still open
	private void opened(@Nullable Boolean recovered, @Nullable Throwable error) {
		Observation observation = this.opening;
		if (observation == null) {
			return;
		}
		this.opening = null;
		if (error != null) {
			observation.error(error);
		}
		observation.lowCardinalityKeyValue(RealtimeObservation.Keys.RECOVERED.asString(),
				(recovered != null) ? recovered.toString() : "none");
		observation.stop();
	}

	/**
	 * Where a stream's messages go. Every method is called on the client's loop.
	 */
	public interface Client {

		/**
		 * Return the loop of the client.
		 * @return the loop
		 */
		StreamLoop loop();

		/**
		 * Return who this client is, for the statistics.
		 * @return the kind of subscriber
		 */
		Subscriber subscriber();

		/**
		 * Write the {@code subscribed} frame.
		 * @param recovered whether a resume is complete, {@code null} when none was asked
		 */
		void subscribed(@Nullable Boolean recovered);

		/**
		 * Write a message.
		 * @param message the message
		 */
		void write(EngineMessage message);

		/**
		 * Send what was written.
		 */
		void flush();

		/**
		 * Tell whether the client keeps up, so that more messages should be written now.
		 * @return {@code false} to hold messages back until {@link #whenWritable} runs
		 */
		boolean isWritable();

		/**
		 * Run a task once the client is writable again.
		 * @param task the task
		 */
		void whenWritable(Runnable task);

		/**
		 * The stream ended with an error: too slow, history lost, or the engine failed.
		 * The stream has left its channel.
		 * @param error the error
		 */
		void failed(Throwable error);

		/**
		 * The engine completed the channel's subscription, as it does when it stops.
		 */
		void completed();

	}

	private enum State {

		/** Waiting for the channel to be live. */
		WAITING,

		/** Reading the history; live messages wait. */
		REPLAYING,

		/** Writing live messages. */
		LIVE,

		/** Nothing more is written. */
		CLOSED

	}

}
