package dev.realtime.engine.memory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.realtime.engine.EngineEvent;
import dev.realtime.engine.EngineHealth;
import dev.realtime.engine.EngineMessage;
import dev.realtime.engine.History;
import dev.realtime.engine.MessageId;
import dev.realtime.engine.PublishRequest;
import dev.realtime.engine.RealtimeEngine;
import dev.realtime.engine.Replay;
import dev.realtime.engine.SlowSubscriberException;
import dev.realtime.engine.SubscriberQueue;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.util.Assert;

/**
 * A {@link RealtimeEngine} for a single node. Each channel keeps a bounded, time-limited
 * history; each subscriber a bounded queue. Publishing to a channel happens under that
 * channel's lock, so ids, history and delivery order agree for every subscriber under
 * concurrent publishers; a subscriber whose queue overflows is ended with
 * {@link SlowSubscriberException} without slowing anyone else.
 * <p>
 * Live messages are emitted on the publishing thread, so subscribers must not block in
 * {@code onNext} (the transports hand off to their event loop, Java consumers get a
 * {@code publishOn}); one may publish to the same channel from {@code onNext} without
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

	private final int subscriberBuffer;

	private final Clock clock;

	private final Scheduler sweeper;

	private final Disposable sweeping;

	/**
	 * Create a new engine.
	 * @param historySize how many messages each channel keeps, 0 for none
	 * @param historyTtl how long a message stays in history
	 * @param subscriberBuffer how many messages a subscriber may fall behind before it is
	 * disconnected
	 * @param clock the clock for message times and history expiry
	 */
	public InMemoryEngine(int historySize, Duration historyTtl, int subscriberBuffer, Clock clock) {
		Assert.isTrue(historySize >= 0, "'historySize' must not be negative");
		Assert.isTrue(!historyTtl.isNegative() && !historyTtl.isZero(), "'historyTtl' must be positive");
		Assert.isTrue(subscriberBuffer > 0, "'subscriberBuffer' must be positive");
		Assert.notNull(clock, "'clock' must not be null");
		this.historySize = historySize;
		this.historyTtl = historyTtl;
		this.subscriberBuffer = subscriberBuffer;
		this.clock = clock;
		this.sweeper = Schedulers.newSingle("realtime-memory-sweeper", true);
		long period = Math.max(1000, Math.min(historyTtl.toMillis() / 2, 60_000));
		this.sweeping = this.sweeper.schedulePeriodically(this::sweep, period, period, TimeUnit.MILLISECONDS);
	}

	@Override
	public Mono<EngineMessage> publish(PublishRequest request) {
		return Mono.fromSupplier(() -> publishNow(request));
	}

	private EngineMessage publishNow(PublishRequest request) {
		if ((!request.retain() || this.historySize == 0) && !this.channels.containsKey(request.channel())) {
			// nobody listens and nothing is kept, so no state is needed
			MessageId id = new MessageId(this.offsets.incrementAndGet(), this.epoch);
			// check again: a subscriber that came before the id must not miss it
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
	public Flux<EngineEvent> subscribe(String channel, Replay replay) {
		Assert.hasText(channel, "'channel' must not be empty");
		Assert.notNull(replay, "'replay' must not be null");
		return Flux.defer(() -> {
			while (true) {
				ChannelState state = this.channels.computeIfAbsent(channel, this::newState);
				synchronized (state) {
					if (!state.dropped) {
						return state.subscribe(replay);
					}
				}
			}
		});
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
	 * Return how many channels hold state (subscribers or history), for monitoring and
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
				for (Sinks.Many<EngineEvent> subscriber : state.subscribers) {
					subscriber.tryEmitComplete();
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

		/**
		 * Messages waiting to be emitted. Only ever holds more than the message being
		 * published when a subscriber publishes to this channel from its onNext.
		 */
		private final ArrayDeque<EngineMessage> pending = new ArrayDeque<>();

		private boolean emitting;

		/** Offset of the last message whose emission started. */
		private long emitted;

		/** Copy-on-write so that publishing iterates without allocation. */
		@SuppressWarnings("unchecked")
		private Sinks.Many<EngineEvent>[] subscribers = new Sinks.Many[0];

		private long evictedUpTo;

		private boolean dropped;

		ChannelState(String channel, long evictedUpTo) {
			this.channel = channel;
			this.evictedUpTo = evictedUpTo;
		}

		EngineMessage publish(PublishRequest request) {
			Instant now = InMemoryEngine.this.clock.instant();
			MessageId id = new MessageId(InMemoryEngine.this.offsets.incrementAndGet(), InMemoryEngine.this.epoch);
			EngineMessage message = EngineMessage.of(id, now, request);
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

		/**
		 * Emit the pending messages in id order. Subscribers run on this thread, so one
		 * may publish to this channel from its onNext (the lock is reentrant): that
		 * message waits in {@link #pending} until every subscriber has the current one.
		 */
		private void emitPending() {
			this.emitting = true;
			try {
				EngineMessage message;
				while ((message = this.pending.pollFirst()) != null) {
					this.emitted = message.id().offset();
					for (Sinks.Many<EngineEvent> subscriber : this.subscribers) {
						if (subscriber.tryEmitNext(message).isFailure()) {
							subscriber.tryEmitError(
									new SlowSubscriberException(this.channel, InMemoryEngine.this.subscriberBuffer));
							remove(subscriber);
						}
					}
				}
			}
			finally {
				this.emitting = false;
			}
		}

		Flux<EngineEvent> subscribe(Replay replay) {
			History history = history(replay);
			Sinks.Many<EngineEvent> sink = Sinks.many()
				.unicast()
				.onBackpressureBuffer(SubscriberQueue.<EngineEvent>bounded(InMemoryEngine.this.subscriberBuffer));
			add(sink);
			return Flux.<EngineEvent>just(new EngineEvent.Subscribed(history.recovered()))
				.concatWith(Flux.fromIterable(history.messages()))
				.concatWith(sink.asFlux())
				.doFinally((signal) -> unsubscribe(sink));
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
				// pending messages (subscribing from an onNext) are emitted live
				if (message.id().offset() > after && message.id().offset() <= this.emitted) {
					messages.add(message);
				}
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
		}

		void dropIfIdle() {
			if (this.subscribers.length == 0 && this.history.isEmpty() && !this.dropped) {
				this.dropped = true;
				InMemoryEngine.this.droppedFloor.accumulateAndGet(this.evictedUpTo, Math::max);
				InMemoryEngine.this.channels.remove(this.channel, this);
			}
		}

		private void unsubscribe(Sinks.Many<EngineEvent> sink) {
			synchronized (this) {
				remove(sink);
				dropIfIdle();
			}
		}

		private void add(Sinks.Many<EngineEvent> sink) {
			Sinks.Many<EngineEvent>[] updated = Arrays.copyOf(this.subscribers, this.subscribers.length + 1);
			updated[updated.length - 1] = sink;
			this.subscribers = updated;
		}

		@SuppressWarnings("unchecked")
		private void remove(Sinks.Many<EngineEvent> sink) {
			int index = -1;
			for (int i = 0; i < this.subscribers.length; i++) {
				if (this.subscribers[i] == sink) {
					index = i;
					break;
				}
			}
			if (index < 0) {
				return;
			}
			Sinks.Many<EngineEvent>[] updated = new Sinks.Many[this.subscribers.length - 1];
			System.arraycopy(this.subscribers, 0, updated, 0, index);
			System.arraycopy(this.subscribers, index + 1, updated, index, updated.length - index);
			this.subscribers = updated;
		}

	}

}
