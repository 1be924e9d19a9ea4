package dev.realtime.engine.memory;

import java.io.ByteArrayOutputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.realtime.MessageKind;
import dev.realtime.StreamTooLargeException;
import dev.realtime.engine.ChannelListener;
import dev.realtime.engine.EngineHealth;
import dev.realtime.engine.EngineMessage;
import dev.realtime.engine.History;
import dev.realtime.engine.MessageId;
import dev.realtime.engine.PublishRequest;
import dev.realtime.engine.RealtimeEngine;
import dev.realtime.engine.Replay;
import dev.realtime.engine.StreamTexts;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.util.Assert;

/**
 * A {@link RealtimeEngine} for a single node. Each channel keeps a bounded, time-limited
 * history. Publishing to a channel happens under that channel's lock, so ids, history and
 * delivery order agree for every listener under concurrent publishers.
 * <p>
 * Live messages reach the listeners on the publishing thread, before publish completes; a
 * listener may publish to the same channel from {@link ChannelListener#message} without
 * breaking the order.
 * <p>
 * Message offsets come from one counter for the whole engine and the epoch is drawn once
 * per engine, so ids stay strictly increasing per channel even when an idle channel's
 * state is dropped and created again, and a resume against a restarted process reports
 * {@code recovered: false}.
 *
 * @author Realtime team
 * @since 0.1.0
 */
public final class InMemoryEngine implements RealtimeEngine, DisposableBean {

	private static final ChannelListener[] NO_LISTENERS = {};

	private final ConcurrentHashMap<String, ChannelState> channels = new ConcurrentHashMap<>();

	private final AtomicLong offsets = new AtomicLong();

	/**
	 * Highest offset evicted from a channel whose state was dropped since: a resume from
	 * before it cannot be trusted to be complete.
	 */
	private final AtomicLong droppedFloor = new AtomicLong();

	private final String epoch = MessageId.newEpoch();

	private final int historySize;

	private final Duration historyTtl;

	private final Clock clock;

	private final long streamMaxSize;

	private final Duration streamTtl;

	private final Scheduler sweeper;

	private final Disposable sweeping;

	/**
	 * Create a new engine.
	 * @param historySize how many messages each channel keeps, 0 for none
	 * @param historyTtl how long a message stays in history
	 * @param clock the clock for message times and history expiry
	 */
	public InMemoryEngine(int historySize, Duration historyTtl, Clock clock) {
		this(historySize, historyTtl, clock, StreamTexts.DEFAULT_MAX_SIZE, StreamTexts.DEFAULT_TTL);
	}

	/**
	 * Create a new engine.
	 * @param historySize how many messages each channel keeps, 0 for none
	 * @param historyTtl how long a message stays in history
	 * @param clock the clock for message times and history expiry
	 * @param streamMaxSize the most bytes of JSON-encoded chunks the text of a stream
	 * topic may have
	 * @param streamTtl how long the text of a stream topic is kept after its last chunk
	 */
	public InMemoryEngine(int historySize, Duration historyTtl, Clock clock, long streamMaxSize, Duration streamTtl) {
		Assert.isTrue(historySize >= 0, "'historySize' must not be negative");
		Assert.isTrue(!historyTtl.isNegative() && !historyTtl.isZero(), "'historyTtl' must be positive");
		Assert.notNull(clock, "'clock' must not be null");
		Assert.isTrue(streamMaxSize > 0, "'streamMaxSize' must be positive");
		Assert.isTrue(!streamTtl.isNegative() && !streamTtl.isZero(), "'streamTtl' must be positive");
		this.historySize = historySize;
		this.historyTtl = historyTtl;
		this.clock = clock;
		this.streamMaxSize = streamMaxSize;
		this.streamTtl = streamTtl;
		this.sweeper = Schedulers.newSingle("realtime-memory-sweeper", true);
		long period = Math.max(1000, Math.min(historyTtl.toMillis() / 2, 60_000));
		this.sweeping = this.sweeper.schedulePeriodically(this::sweep, period, period, TimeUnit.MILLISECONDS);
	}

	@Override
	public Mono<EngineMessage> publish(PublishRequest request) {
		return Mono.fromSupplier(() -> publishNow(request));
	}

	private EngineMessage publishNow(PublishRequest request) {
		if ((!request.retain() || this.historySize == 0) && !request.stream()
				&& !this.channels.containsKey(request.channel())) {
			// nobody listens and nothing is kept, so no state is needed
			MessageId id = new MessageId(this.offsets.incrementAndGet(), this.epoch);
			// check again: a listener that came before the id must not miss it
			if (!this.channels.containsKey(request.channel())) {
				return EngineMessage.of(id, this.clock.instant(), request);
			}
		}
		while (true) {
			ChannelState state = this.channels.computeIfAbsent(request.channel(), this::newState);
			synchronized (state) {
				if (!state.dropped) {
					return state.publish(request);
				}
			}
		}
	}

	@Override
	public Disposable listen(String channel, ChannelListener listener) {
		Assert.hasText(channel, "'channel' must not be empty");
		Assert.notNull(listener, "'listener' must not be null");
		while (true) {
			ChannelState state = this.channels.computeIfAbsent(channel, this::newState);
			synchronized (state) {
				if (!state.dropped) {
					return state.listen(listener);
				}
			}
		}
	}

	@Override
	public Mono<History> history(String channel, Replay replay) {
		Assert.hasText(channel, "'channel' must not be empty");
		Assert.notNull(replay, "'replay' must not be null");
		return Mono.fromSupplier(() -> {
			if (replay.mode() == Replay.Mode.NONE) {
				return History.none();
			}
			ChannelState state = this.channels.get(channel);
			if (state == null) {
				// nothing retained: complete only if the id is from this engine and not
				// before what dropped channels evicted
				return new ChannelState(channel, this.droppedFloor.get()).history(replay);
			}
			synchronized (state) {
				return state.history(replay);
			}
		});
	}

	/**
	 * Return how many channels hold state (listeners or history), for monitoring and
	 * tests.
	 * @return the number of channels held in memory
	 */
	public int channelCount() {
		return this.channels.size();
	}

	@Override
	public Mono<EngineHealth> health() {
		return Mono.just(EngineHealth.up("memory", Map.of("channels", channelCount())));
	}

	private ChannelState newState(String channel) {
		return new ChannelState(channel, this.droppedFloor.get());
	}

	private void sweep() {
		Instant now = this.clock.instant();
		for (ChannelState state : this.channels.values()) {
			synchronized (state) {
				state.evictExpired(now);
				state.dropIfIdle();
			}
		}
	}

	@Override
	public void destroy() {
		this.sweeping.dispose();
		this.sweeper.dispose();
		for (ChannelState state : this.channels.values()) {
			synchronized (state) {
				ChannelListener[] listeners = state.listeners;
				state.listeners = NO_LISTENERS;
				for (ChannelListener listener : listeners) {
					listener.ended(null);
				}
			}
		}
	}

	/**
	 * State of one channel. Every method runs under the instance's lock.
	 */
	private final class ChannelState {

		private final String channel;

		private final ArrayDeque<EngineMessage> history = new ArrayDeque<>();

		/** The text of each stream topic that has one, by topic. */
		private final Map<String, StreamText> streams = new HashMap<>(4);

		/**
		 * Messages waiting to be emitted. Only ever holds more than the message being
		 * published when a listener publishes to this channel.
		 */
		private final ArrayDeque<EngineMessage> pending = new ArrayDeque<>();

		private boolean emitting;

		/** Offset of the last message whose emission started. */
		private long emitted;

		/** Copy-on-write so that publishing iterates without allocation. */
		private ChannelListener[] listeners = NO_LISTENERS;

		private long evictedUpTo;

		private boolean dropped;

		ChannelState(String channel, long evictedUpTo) {
			this.channel = channel;
			this.evictedUpTo = evictedUpTo;
		}

		EngineMessage publish(PublishRequest request) {
			Instant now = InMemoryEngine.this.clock.instant();
			StreamText stream = request.stream() ? stream(request, now) : null;
			MessageId id = new MessageId(InMemoryEngine.this.offsets.incrementAndGet(), InMemoryEngine.this.epoch);
			EngineMessage message = EngineMessage.of(id, now, request);
			if (stream != null) {
				if (request.kind() == MessageKind.SNAPSHOT) {
					stream.text.reset();
				}
				StreamTexts.append(stream.text, request.data());
				stream.last = message;
			}
			if (request.retain() && InMemoryEngine.this.historySize > 0) {
				evictExpired(now);
				if (this.history.size() == InMemoryEngine.this.historySize) {
					this.evictedUpTo = this.history.removeFirst().id().offset();
				}
				this.history.addLast(message);
			}
			this.pending.addLast(message);
			if (!this.emitting) {
				emitPending();
			}
			dropIfIdle();
			return message;
		}

		// the text a chunk or a reset goes to, checked against the size limit before the
		// message gets an id
		private StreamText stream(PublishRequest request, Instant now) {
			StreamText stream = this.streams.get(request.topic());
			long size = (stream == null || request.kind() == MessageKind.SNAPSHOT) ? 0 : stream.text.size();
			long after = StreamTexts.sizeAfter(size, request.data());
			if (after > InMemoryEngine.this.streamMaxSize) {
				throw new StreamTooLargeException(this.channel, request.topic(), after,
						InMemoryEngine.this.streamMaxSize);
			}
			if (stream == null) {
				stream = new StreamText();
				this.streams.put(request.topic(), stream);
			}
			stream.touched = now;
			return stream;
		}

		/**
		 * Emit the pending messages in id order. Listeners run on this thread, so one may
		 * publish to this channel from a listener (the lock is reentrant): that message
		 * waits in {@link #pending} until every listener has the current one.
		 */
		private void emitPending() {
			this.emitting = true;
			try {
				EngineMessage message;
				while ((message = this.pending.pollFirst()) != null) {
					this.emitted = message.id().offset();
					for (ChannelListener listener : this.listeners) {
						listener.message(message);
					}
				}
			}
			finally {
				this.emitting = false;
			}
		}

		Disposable listen(ChannelListener listener) {
			ChannelListener[] updated = Arrays.copyOf(this.listeners, this.listeners.length + 1);
			updated[updated.length - 1] = listener;
			this.listeners = updated;
			// under the lock: every message published from now on reaches the listener
			listener.live();
			return () -> {
				synchronized (this) {
					remove(listener);
					dropIfIdle();
				}
			};
		}

		History history(Replay replay) {
			if (replay.mode() == Replay.Mode.NONE) {
				return History.none();
			}
			evictExpired(InMemoryEngine.this.clock.instant());
			Boolean recovered = null;
			long after = 0;
			if (replay.mode() == Replay.Mode.AFTER) {
				MessageId lastId = (replay.lastId() != null) ? MessageId.parse(replay.lastId()) : null;
				recovered = isComplete(lastId);
				after = (lastId != null && lastId.epoch().equals(InMemoryEngine.this.epoch)) ? lastId.offset() : 0;
			}
			List<EngineMessage> messages = new ArrayList<>();
			for (EngineMessage message : this.history) {
				// pending messages (listening from a listener) are emitted live
				if (message.id().offset() > after && message.id().offset() <= this.emitted) {
					messages.add(message);
				}
			}
			// each stream's text up to its last chunk, unless the subscriber has it
			boolean snapshots = false;
			for (Map.Entry<String, StreamText> stream : this.streams.entrySet()) {
				EngineMessage last = stream.getValue().last;
				if (last != null && last.id().offset() > after && last.id().offset() <= this.emitted) {
					messages.add(new EngineMessage(last.id(), this.channel, stream.getKey(),
							StreamTexts.snapshot(stream.getValue().text.toByteArray()), last.createdAt(), last.runId(),
							MessageKind.SNAPSHOT, null));
					snapshots = true;
				}
			}
			if (snapshots) {
				messages.sort(Comparator.comparingLong((message) -> message.id().offset()));
			}
			return new History(recovered, messages);
		}

		private boolean isComplete(@Nullable MessageId lastId) {
			return lastId != null && lastId.epoch().equals(InMemoryEngine.this.epoch)
					&& lastId.offset() >= this.evictedUpTo && lastId.offset() <= InMemoryEngine.this.offsets.get();
		}

		void evictExpired(Instant now) {
			Instant oldest = now.minus(InMemoryEngine.this.historyTtl);
			while (!this.history.isEmpty() && this.history.peekFirst().createdAt().isBefore(oldest)) {
				this.evictedUpTo = this.history.removeFirst().id().offset();
			}
			Instant oldestStream = now.minus(InMemoryEngine.this.streamTtl);
			this.streams.values().removeIf((stream) -> stream.touched.isBefore(oldestStream));
		}

		void dropIfIdle() {
			if (this.listeners.length == 0 && this.history.isEmpty() && this.streams.isEmpty() && !this.dropped) {
				this.dropped = true;
				InMemoryEngine.this.droppedFloor.accumulateAndGet(this.evictedUpTo, Math::max);
				InMemoryEngine.this.channels.remove(this.channel, this);
			}
		}

		private void remove(ChannelListener listener) {
			for (int i = 0; i < this.listeners.length; i++) {
				if (this.listeners[i] == listener) {
					ChannelListener[] updated = new ChannelListener[this.listeners.length - 1];
					System.arraycopy(this.listeners, 0, updated, 0, i);
					System.arraycopy(this.listeners, i + 1, updated, i, updated.length - i);
					this.listeners = updated;
					return;
				}
			}
		}

	}

	/**
	 * The text of one stream topic of a channel.
	 */
	private static final class StreamText {

		private final ByteArrayOutputStream text = new ByteArrayOutputStream();

		/** The last chunk or reset, whose id a snapshot of the text has. */
		private @Nullable EngineMessage last;

		private Instant touched = Instant.MIN;

	}

}
