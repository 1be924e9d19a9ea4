package dev.realtime.engine.redis;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;

import dev.realtime.engine.EngineEvent;
import dev.realtime.engine.EngineMessage;
import dev.realtime.engine.MessageId;
import dev.realtime.engine.Replay;
import dev.realtime.engine.SlowSubscriberException;
import dev.realtime.engine.SubscriberQueue;
import dev.realtime.engine.SubscriptionLostException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

import org.springframework.core.log.LogMessage;

/**
 * The live traffic of one channel on this node, while the node has local subscribers: the
 * messages Redis publishes, decoded once and handed to every local subscriber in offset
 * order.
 * <p>
 * Offsets are contiguous per channel, so a message that skips offsets reveals that the
 * node missed some (its pub/sub connection dropped); so does Redis confirming the
 * subscription again after a reconnection. The channel then reads what it missed from the
 * history before it goes on, and ends its subscribers with
 * {@link SubscriptionLostException} when some of it is gone, so that they resume and
 * learn {@code recovered: false}. Messages that are not retained cannot be read back and
 * are skipped, as they would be by a subscriber that connected later.
 * <p>
 * Every method runs under the instance's lock.
 *
 * @author Realtime team
 */
final class LiveChannel {

	private static final Log logger = LogFactory.getLog(LiveChannel.class);

	/**
	 * First delay before reading what the node missed again, doubled on each failure up
	 * to {@link #SYNC_RETRY_MAX}: a re-subscription can come before the command
	 * connection is back, which is then a moment away.
	 */
	private static final Duration SYNC_RETRY = Duration.ofMillis(50);

	private static final Duration SYNC_RETRY_MAX = Duration.ofSeconds(1);

	private static final Subscriber[] NO_SUBSCRIBERS = new Subscriber[0];

	private final RedisEngine engine;

	private final String name;

	private final String key;

	private final int capacity;

	private final Sinks.Empty<Void> ready = Sinks.empty();

	private final Sinks.Empty<Void> released = Sinks.empty();

	/** Copy-on-write so that delivery iterates without allocation. */
	private Subscriber[] subscribers = NO_SUBSCRIBERS;

	/** Messages received while reading what the node missed. */
	private final ArrayDeque<EngineMessage> pending = new ArrayDeque<>();

	private boolean started;

	private boolean active;

	private boolean syncing = true;

	private boolean closing;

	/** Failed reads of what the node missed since the last one that succeeded. */
	private int syncFailures;

	/** Epoch of the messages delivered so far. */
	private @Nullable String epoch;

	/** Every message up to this offset was delivered or is not retrievable. */
	private long offset;

	LiveChannel(RedisEngine engine, String name, String key, int capacity) {
		this.engine = engine;
		this.name = name;
		this.key = key;
		this.capacity = capacity;
	}

	String name() {
		return this.name;
	}

	String key() {
		return this.key;
	}

	/**
	 * Add a local subscriber, which buffers live messages until it is handed off.
	 * @param subscriber the subscriber
	 * @return {@code false} if the channel is being released and cannot take subscribers
	 */
	synchronized boolean add(Subscriber subscriber) {
		if (this.closing) {
			return false;
		}
		Subscriber[] updated = Arrays.copyOf(this.subscribers, this.subscribers.length + 1);
		updated[updated.length - 1] = subscriber;
		this.subscribers = updated;
		return true;
	}

	/**
	 * Start listening in Redis, once.
	 */
	void start() {
		synchronized (this) {
			if (this.started) {
				return;
			}
			this.started = true;
		}
		this.engine.listen(this.key)
			.then(this.engine.read(this.name, RedisEngine.META, 0, null))
			.timeout(this.engine.timeout())
			.subscribe(this::activated, this::activationFailed);
	}

	/**
	 * Return a {@link Mono} that completes when the channel receives every message
	 * published from now on, or errors if it cannot.
	 * @return the readiness
	 */
	Mono<Void> ready() {
		return this.ready.asMono();
	}

	/**
	 * Return a {@link Mono} that completes when the channel was released and a new one
	 * may listen to the same channel.
	 * @return the release
	 */
	Mono<Void> released() {
		return this.released.asMono();
	}

	private synchronized void activated(Snapshot snapshot) {
		this.active = true;
		this.epoch = snapshot.epoch();
		this.offset = snapshot.offset();
		drain(List.of());
		this.ready.tryEmitEmpty();
	}

	private synchronized void activationFailed(Throwable ex) {
		// The waiting subscribers fail and leave, which releases the channel
		this.ready.tryEmitError(ex);
	}

	/**
	 * Handle a message published in Redis.
	 * @param message the message, shared by every local subscriber
	 */
	synchronized void onMessage(EngineMessage message) {
		if (this.closing) {
			return;
		}
		if (this.syncing) {
			queue(message);
		}
		else {
			accept(message);
		}
	}

	/**
	 * Handle Redis confirming the subscription again after the connection was
	 * re-established: messages published meanwhile were not received.
	 */
	synchronized void onResubscribed() {
		if (this.active && !this.closing && !this.syncing) {
			logger.debug(LogMessage.format("Channel '%s' re-subscribed, reading what it missed", this.name));
			sync();
		}
	}

	private void accept(EngineMessage message) {
		MessageId id = message.id();
		if (!id.epoch().equals(this.epoch)) {
			// A new channel, or Redis lost it: its offsets start again
			this.epoch = id.epoch();
			this.offset = 0;
		}
		if (id.offset() <= this.offset) {
			return;
		}
		if (id.offset() > this.offset + 1) {
			this.pending.add(message);
			sync();
			return;
		}
		this.offset = id.offset();
		deliver(message);
	}

	private void queue(EngineMessage message) {
		if (this.pending.size() < this.capacity) {
			this.pending.add(message);
		}
		else {
			this.pending.clear();
			loseAll(new SubscriptionLostException(
					"Too many messages of '" + this.name + "' arrived while reading the ones this node missed", null));
		}
	}

	/**
	 * Whether this channel failed to read what the node missed and is still retrying: its
	 * local subscribers get nothing new until it succeeds.
	 * @return whether the channel is catching up after failures
	 */
	synchronized boolean catchingUp() {
		return this.syncing && this.syncFailures > 0;
	}

	private void deliver(EngineMessage message) {
		for (Subscriber subscriber : this.subscribers) {
			subscriber.offer(message);
		}
	}

	private void sync() {
		this.syncing = true;
		String epoch = this.epoch;
		long after = this.offset;
		this.engine.read(this.name, RedisEngine.RANGE, after, epoch)
			// Not on the calling thread, which holds the lock
			.publishOn(Schedulers.parallel())
			.subscribe((snapshot) -> synced(snapshot, epoch, after), this::syncFailed);
	}

	private synchronized void synced(Snapshot snapshot, @Nullable String epoch, long after) {
		if (this.closing) {
			return;
		}
		this.syncFailures = 0;
		if ((epoch != null && !epoch.equals(snapshot.epoch())) || after < snapshot.floor()) {
			logger.debug(LogMessage.format("Channel '%s' missed messages that are no longer in history", this.name));
			this.epoch = snapshot.epoch();
			this.offset = snapshot.offset();
			this.pending.clear();
			this.syncing = false;
			loseAll(new SubscriptionLostException(
					"Messages of '" + this.name + "' were missed and are no longer in history", null));
			return;
		}
		TreeMap<Long, EngineMessage> missed = new TreeMap<>();
		for (EngineMessage message : snapshot.messages()) {
			missed.put(message.id().offset(), message);
		}
		List<EngineMessage> later = new ArrayList<>();
		for (EngineMessage message : this.pending) {
			if (message.id().epoch().equals(snapshot.epoch()) && message.id().offset() <= snapshot.offset()) {
				// Not retained messages are only here
				missed.putIfAbsent(message.id().offset(), message);
			}
			else {
				later.add(message);
			}
		}
		this.pending.clear();
		this.epoch = snapshot.epoch();
		for (EngineMessage message : missed.values()) {
			if (message.id().offset() > this.offset) {
				this.offset = message.id().offset();
				deliver(message);
			}
		}
		this.offset = Math.max(this.offset, snapshot.offset());
		drain(later);
	}

	private synchronized void syncFailed(Throwable ex) {
		if (this.closing) {
			return;
		}
		Duration doubled = SYNC_RETRY.multipliedBy(1L << this.syncFailures);
		Duration delay = (doubled.compareTo(SYNC_RETRY_MAX) < 0) ? doubled : SYNC_RETRY_MAX;
		this.syncFailures = Math.min(this.syncFailures + 1, 5);
		logger.debug(LogMessage.format("Could not read the missed messages of '%s', retrying in %d ms", this.name,
				delay.toMillis()), ex);
		Mono.delay(delay).subscribe((tick) -> retrySync());
	}

	private synchronized void retrySync() {
		if (!this.closing) {
			sync();
		}
	}

	/**
	 * Go live, then handle the given messages and the ones that arrived meanwhile.
	 * @param first the messages read from history
	 */
	private void drain(List<EngineMessage> first) {
		List<EngineMessage> messages = new ArrayList<>(first);
		messages.addAll(this.pending);
		this.pending.clear();
		this.syncing = false;
		for (EngineMessage message : messages) {
			if (this.syncing) {
				this.pending.add(message);
			}
			else {
				accept(message);
			}
		}
	}

	/**
	 * Hand a subscriber off from its history to the live messages.
	 * @param subscriber the subscriber, added before the snapshot was read
	 * @param snapshot the channel's state and history, read after the channel was ready
	 * @param replay what the subscriber asked to replay
	 * @return the first events of the subscription: subscribed, then the history
	 */
	synchronized List<EngineEvent> handoff(Subscriber subscriber, Snapshot snapshot, Replay replay) {
		List<EngineEvent> head = new ArrayList<>(snapshot.messages().size() + 1);
		head.add(new EngineEvent.Subscribed(snapshot.recovered(replay)));
		head.addAll(snapshot.messages());
		// what was published before the snapshot is in its history, or was not kept
		subscriber.goLive(snapshot.epoch(), snapshot.offset());
		return head;
	}

	/**
	 * Remove a local subscriber; the last one releases the channel.
	 * @param subscriber the subscriber
	 */
	synchronized void remove(Subscriber subscriber) {
		int index = Arrays.asList(this.subscribers).indexOf(subscriber);
		if (index < 0) {
			return;
		}
		Subscriber[] updated = new Subscriber[this.subscribers.length - 1];
		System.arraycopy(this.subscribers, 0, updated, 0, index);
		System.arraycopy(this.subscribers, index + 1, updated, index, updated.length - index);
		this.subscribers = updated;
		if (updated.length == 0 && !this.closing) {
			this.closing = true;
			// After the subscription in Redis was made, so that it cannot outlive this
			this.ready.asMono()
				.onErrorComplete()
				.then(this.engine.release(this))
				.doFinally((signal) -> this.released.tryEmitEmpty())
				.subscribe();
		}
	}

	/**
	 * End every subscriber because the channel cannot guarantee their streams are
	 * complete.
	 * @param ex the reason
	 */
	synchronized void loseAll(SubscriptionLostException ex) {
		for (Subscriber subscriber : this.subscribers) {
			subscriber.end(ex);
		}
	}

	/**
	 * Complete every subscriber, when the engine is shut down.
	 */
	synchronized void completeAll() {
		for (Subscriber subscriber : this.subscribers) {
			subscriber.complete();
		}
	}

	@Override
	public String toString() {
		return "LiveChannel '" + this.name + "' (" + this.subscribers.length + " subscribers)";
	}

	/**
	 * One local subscriber with its bounded queue. Guarded by the lock of its channel.
	 */
	final class Subscriber {

		private final Sinks.Many<EngineEvent> sink = Sinks.many()
			.unicast()
			.onBackpressureBuffer(SubscriberQueue.<EngineEvent>bounded(LiveChannel.this.capacity));

		/** Live messages received before the hand-off, {@code null} after. */
		private @Nullable ArrayDeque<EngineMessage> buffer = new ArrayDeque<>();

		private @Nullable String epoch;

		private long offset;

		private boolean ended;

		Sinks.Many<EngineEvent> sink() {
			return this.sink;
		}

		void offer(EngineMessage message) {
			if (this.ended) {
				return;
			}
			if (this.buffer == null) {
				emit(message);
			}
			else if (this.buffer.size() < LiveChannel.this.capacity) {
				this.buffer.add(message);
			}
			else {
				end(new SlowSubscriberException(LiveChannel.this.name, LiveChannel.this.capacity));
			}
		}

		void goLive(@Nullable String epoch, long offset) {
			ArrayDeque<EngineMessage> buffered = this.buffer;
			this.buffer = null;
			this.epoch = epoch;
			this.offset = offset;
			if (buffered != null) {
				for (EngineMessage message : buffered) {
					if (!this.ended) {
						emit(message);
					}
				}
			}
		}

		private void emit(EngineMessage message) {
			MessageId id = message.id();
			if (this.epoch != null && !this.epoch.equals(id.epoch())) {
				end(new SubscriptionLostException("The history of '" + LiveChannel.this.name + "' was lost", null));
				return;
			}
			if (id.offset() <= this.offset) {
				return;
			}
			this.epoch = id.epoch();
			this.offset = id.offset();
			if (this.sink.tryEmitNext(message).isFailure()) {
				end(new SlowSubscriberException(LiveChannel.this.name, LiveChannel.this.capacity));
			}
		}

		void end(Throwable ex) {
			if (!this.ended) {
				this.ended = true;
				this.sink.tryEmitError(ex);
				remove(this);
			}
		}

		void complete() {
			if (!this.ended) {
				this.ended = true;
				this.sink.tryEmitComplete();
				remove(this);
			}
		}

	}

}
