package dev.realtime.engine.redis;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;

import dev.realtime.engine.ChannelListener;
import dev.realtime.engine.EngineMessage;
import dev.realtime.engine.MessageId;
import dev.realtime.engine.SubscriptionLostException;
import dev.realtime.engine.redis.RedisEngineStatistics.CatchUp;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

import org.springframework.core.log.LogMessage;

/**
 * The live traffic of one channel on this node, while the node has listeners: the
 * messages Redis publishes, decoded once and handed to every listener in offset order.
 * <p>
 * Offsets are contiguous per channel, so a message that skips offsets reveals that the
 * node missed some (its pub/sub connection dropped); so does Redis confirming the
 * subscription again after a reconnection. The channel then reads what it missed from the
 * history before it goes on, and ends its listeners with
 * {@link SubscriptionLostException} when some of it is gone, so that their subscribers
 * resume and learn {@code recovered: false}. Messages that are not retained cannot be
 * read back: those published while the node was away are skipped, as they would be by a
 * subscriber that connected later, and those published since that reach the node only
 * after the read are still delivered, in order.
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

	private static final ChannelListener[] NO_LISTENERS = {};

	private final RedisEngine engine;

	private final String name;

	private final String key;

	private final int capacity;

	private final RedisEngineStatistics statistics;

	private final Sinks.Empty<Void> ready = Sinks.empty();

	private final Sinks.Empty<Void> released = Sinks.empty();

	/** Copy-on-write so that delivery iterates without allocation. */
	private ChannelListener[] listeners = NO_LISTENERS;

	/** Messages received while reading what the node missed. */
	private final ArrayDeque<EngineMessage> pending = new ArrayDeque<>();

	private boolean started;

	/** Whether Redis confirmed the subscription once already. */
	private boolean confirmed;

	private boolean active;

	private boolean syncing = true;

	private boolean closing;

	/** Failed reads of what the node missed since the last one that succeeded. */
	private int syncFailures;

	/** Epoch of the messages delivered so far. */
	private @Nullable String epoch;

	/** The offset of the last message delivered. */
	private long offset;

	/**
	 * The last offset a read of what the node missed covered. The offsets up to it that
	 * were not delivered belong to messages that are not retained: those published before
	 * the node re-subscribed are gone, those published since may still arrive (before any
	 * later message, pub/sub keeping their order) and are delivered then.
	 */
	private long horizon;

	LiveChannel(RedisEngine engine, String name, String key, int capacity) {
		this.engine = engine;
		this.name = name;
		this.key = key;
		this.capacity = capacity;
		this.statistics = engine.statistics();
	}

	String name() {
		return this.name;
	}

	String key() {
		return this.key;
	}

	/**
	 * Add a listener, which is told it is live at once if the channel receives every
	 * message already, else once it does.
	 * @param listener the listener
	 * @return {@code false} if the channel is being released and cannot take listeners
	 */
	synchronized boolean add(ChannelListener listener) {
		if (this.closing) {
			return false;
		}
		ChannelListener[] updated = Arrays.copyOf(this.listeners, this.listeners.length + 1);
		updated[updated.length - 1] = listener;
		this.listeners = updated;
		if (this.active) {
			listener.live();
		}
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
		for (ChannelListener listener : this.listeners) {
			listener.live();
		}
		drain(List.of());
		this.ready.tryEmitEmpty();
	}

	private synchronized void activationFailed(Throwable ex) {
		this.ready.tryEmitError(ex);
		// the listeners end and leave, which releases the channel
		endAll(new SubscriptionLostException("Could not subscribe to '" + this.name + "' in Redis: " + ex.getMessage(),
				ex));
	}

	/**
	 * Handle a message published in Redis.
	 * @param message the message, shared by every listener
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
	 * Handle Redis confirming the subscription: the first confirmation is the
	 * subscription itself, which {@link #start()} waits for; any later one follows a
	 * re-established connection, and messages published meanwhile were not received.
	 * @return whether it was a re-subscription
	 */
	synchronized boolean onSubscriptionConfirmed() {
		if (!this.confirmed) {
			// not a re-subscription: reading the history now could skip a message that is
			// not retained and still on its way
			this.confirmed = true;
			return false;
		}
		if (this.active && !this.closing && !this.syncing) {
			logger.debug(LogMessage.format("Channel '%s' re-subscribed, reading what it missed", this.name));
			sync();
		}
		return true;
	}

	private void accept(EngineMessage message) {
		MessageId id = message.id();
		if (!id.epoch().equals(this.epoch)) {
			// A new channel, or Redis lost it: its offsets start again
			this.epoch = id.epoch();
			this.offset = 0;
			this.horizon = 0;
		}
		if (id.offset() <= this.offset) {
			return;
		}
		if (id.offset() > Math.max(this.offset, this.horizon) + 1) {
			this.statistics.gapDetected();
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
			this.statistics.caughtUp(CatchUp.LOST);
			endAll(new SubscriptionLostException(
					"Too many messages of '" + this.name + "' arrived while reading the ones this node missed", null));
		}
	}

	/**
	 * Whether this channel failed to read what the node missed and is still retrying: its
	 * listeners get nothing new until it succeeds.
	 * @return whether the channel is catching up after failures
	 */
	synchronized boolean catchingUp() {
		return this.syncing && this.syncFailures > 0;
	}

	private void deliver(EngineMessage message) {
		for (ChannelListener listener : this.listeners) {
			listener.message(message);
		}
	}

	private void sync() {
		this.syncing = true;
		String epoch = this.epoch;
		long after = Math.max(this.offset, this.horizon);
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
			this.horizon = 0;
			this.pending.clear();
			this.syncing = false;
			this.statistics.caughtUp(CatchUp.LOST);
			endAll(new SubscriptionLostException(
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
		this.horizon = snapshot.offset();
		this.statistics.caughtUp(CatchUp.RECOVERED);
		drain(later);
	}

	private synchronized void syncFailed(Throwable ex) {
		if (this.closing) {
			return;
		}
		Duration doubled = SYNC_RETRY.multipliedBy(1L << this.syncFailures);
		Duration delay = (doubled.compareTo(SYNC_RETRY_MAX) < 0) ? doubled : SYNC_RETRY_MAX;
		this.syncFailures = Math.min(this.syncFailures + 1, 5);
		this.statistics.caughtUp(CatchUp.FAILED);
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
	 * Remove a listener; the last one releases the channel.
	 * @param listener the listener
	 */
	synchronized void remove(ChannelListener listener) {
		for (int i = 0; i < this.listeners.length; i++) {
			if (this.listeners[i] == listener) {
				ChannelListener[] updated = new ChannelListener[this.listeners.length - 1];
				System.arraycopy(this.listeners, 0, updated, 0, i);
				System.arraycopy(this.listeners, i + 1, updated, i, updated.length - i);
				this.listeners = updated;
				releaseIfUnused();
				return;
			}
		}
	}

	/**
	 * End every listener, with {@code null} when the engine is shut down, else with why
	 * the channel cannot guarantee their messages are complete; the channel is released.
	 * @param error the reason, or {@code null}
	 */
	synchronized void endAll(@Nullable Throwable error) {
		ChannelListener[] ending = this.listeners;
		this.listeners = NO_LISTENERS;
		for (ChannelListener listener : ending) {
			listener.ended(error);
		}
		releaseIfUnused();
	}

	private void releaseIfUnused() {
		if (this.listeners.length == 0 && !this.closing) {
			this.closing = true;
			// After the subscription in Redis was made, so that it cannot outlive this
			this.ready.asMono()
				.onErrorComplete()
				.then(this.engine.release(this))
				.doFinally((signal) -> this.released.tryEmitEmpty())
				.subscribe();
		}
	}

	@Override
	public String toString() {
		return "LiveChannel '" + this.name + "' (" + this.listeners.length + " listeners)";
	}

}
