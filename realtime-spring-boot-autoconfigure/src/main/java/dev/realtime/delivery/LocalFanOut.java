package dev.realtime.delivery;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

import dev.realtime.engine.ChannelListener;
import dev.realtime.engine.EngineEvent;
import dev.realtime.engine.EngineMessage;
import dev.realtime.engine.RealtimeEngine;
import dev.realtime.engine.Replay;
import dev.realtime.metrics.RealtimeStatistics;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;
import reactor.util.concurrent.Queues;

import org.springframework.util.Assert;

/**
 * The one fan-out of this node: shares one engine listener per channel among the
 * channel's subscribers on this node, and hands each message once to every
 * {@link StreamLoop} with subscribers of the channel, which gives it to all of them. A
 * message costs one hand-off per loop instead of one per subscriber, and a loop that
 * finds several messages waiting writes them all before it flushes each connection once.
 * <p>
 * A subscriber joins, learns on its loop that the channel is live
 * ({@link FanOutSubscriber#live()}) and from then on receives every message of the
 * channel; {@link ChannelStream} reads what it needs from before and merges the two, and
 * holds what its subscriber is not ready for in the subscriber's one bounded queue. The
 * hand-off to a loop is bounded too: when more messages wait for a loop than a subscriber
 * may fall behind, and at least {@value #MIN_LOOP_BACKLOG}, the loop itself cannot keep
 * up and its subscribers end with {@link SlowSubscriberException}.
 * <p>
 * Transports subscribe through {@link ChannelStream}s of their own; Java code subscribes
 * with {@link #subscribe}.
 *
 * @author Realtime team
 * @since 0.1.0
 */
public final class LocalFanOut {

	private static final Group[] NO_GROUPS = {};

	private static final FanOutSubscriber[] NO_SUBSCRIBERS = {};

	/** The most messages a loop writes to each subscriber before it flushes. */
	private static final int BATCH = 64;

	/**
	 * The fewest messages that may wait for a loop: a burst must not end the subscribers
	 * of a loop that is merely a moment late, however small their own queues are.
	 */
	static final int MIN_LOOP_BACKLOG = 1024;

	private final RealtimeEngine engine;

	private final int capacity;

	/** How many messages may wait for a loop before its subscribers end as too slow. */
	private final int loopBacklog;

	private final Duration writeTimeout;

	private final RealtimeStatistics statistics;

	private volatile ObservationRegistry observationRegistry = ObservationRegistry.NOOP;

	private final ConcurrentHashMap<String, Feed> feeds = new ConcurrentHashMap<>();

	private final String nodeId = UUID.randomUUID().toString();

	/**
	 * Create a new instance.
	 * @param engine the engine
	 * @param capacity how many messages may wait for one subscriber
	 * @param writeTimeout how long a subscriber may take nothing while messages wait for
	 * it
	 */
	public LocalFanOut(RealtimeEngine engine, int capacity, Duration writeTimeout) {
		this(engine, capacity, writeTimeout, new RealtimeStatistics());
	}

	/**
	 * Create a new instance that counts its subscriptions and deliveries.
	 * @param engine the engine
	 * @param capacity how many messages may wait for one subscriber
	 * @param writeTimeout how long a subscriber may take nothing while messages wait for
	 * it
	 * @param statistics where to count
	 */
	public LocalFanOut(RealtimeEngine engine, int capacity, Duration writeTimeout, RealtimeStatistics statistics) {
		Assert.notNull(engine, "'engine' must not be null");
		Assert.notNull(statistics, "'statistics' must not be null");
		Assert.isTrue(capacity > 0, "'capacity' must be positive");
		Assert.isTrue(!writeTimeout.isNegative() && !writeTimeout.isZero(), "'writeTimeout' must be positive");
		this.engine = engine;
		this.capacity = capacity;
		this.loopBacklog = Math.max(capacity, MIN_LOOP_BACKLOG);
		this.writeTimeout = writeTimeout;
		this.statistics = statistics;
	}

	/**
	 * Subscribe from Java: the returned {@link Flux} starts with
	 * {@link EngineEvent.Subscribed}, then replays what {@code replay} asks for, then the
	 * live messages, each once and in id order, of the given topics (run messages
	 * always). Messages wait while the subscriber requests none, up to the capacity plus
	 * the replay; beyond it, or when it takes nothing for longer than the write timeout
	 * while messages wait, the flux errors with {@link SlowSubscriberException}. It
	 * errors with {@link dev.realtime.engine.SubscriptionLostException} when the engine
	 * cannot guarantee the messages are complete, and completes when the engine stops.
	 * Signals come from a worker of {@link Schedulers#boundedElastic()}.
	 * @param channel the channel name
	 * @param topics the topics to receive
	 * @param replay what to replay first
	 * @return the events of the subscription
	 */
	public Flux<EngineEvent> subscribe(String channel, Set<String> topics, Replay replay) {
		Assert.hasText(channel, "'channel' must not be empty");
		Assert.notNull(topics, "'topics' must not be null");
		Assert.notNull(replay, "'replay' must not be null");
		return Flux.defer(() -> new FluxSubscription(this, channel, Set.copyOf(topics), replay));
	}

	/**
	 * Return the engine whose channels this fan-out delivers.
	 * @return the engine
	 */
	public RealtimeEngine engine() {
		return this.engine;
	}

	/**
	 * Set the registry of the observations of subscriptions opening, from joining a
	 * channel until the replay was read.
	 * @param observationRegistry the registry, {@link ObservationRegistry#NOOP} by
	 * default
	 */
	public void setObservationRegistry(ObservationRegistry observationRegistry) {
		Assert.notNull(observationRegistry, "'observationRegistry' must not be null");
		this.observationRegistry = observationRegistry;
	}

	ObservationRegistry observationRegistry() {
		return this.observationRegistry;
	}

	/**
	 * Return where this fan-out counts its subscriptions and deliveries.
	 * @return the statistics
	 */
	public RealtimeStatistics statistics() {
		return this.statistics;
	}

	/**
	 * Return how many messages may wait for one subscriber before it is too slow.
	 * @return the capacity
	 */
	public int capacity() {
		return this.capacity;
	}

	/**
	 * Add a subscriber to its channel; may be called from any thread. Every message
	 * published once this returns reaches the subscriber after
	 * {@link FanOutSubscriber#live()}.
	 * @param subscriber the subscriber
	 * @return the subscriber's place, which removes it when disposed
	 */
	Membership join(FanOutSubscriber subscriber) {
		while (true) {
			Feed feed = this.feeds.computeIfAbsent(subscriber.channel(), Feed::new);
			Membership membership = feed.add(subscriber);
			if (membership != null) {
				return membership;
			}
			// that feed just closed and left the map: the next one is new
		}
	}

	/**
	 * Return how long a subscriber's connection may take nothing while messages wait for
	 * it, or after its stream ended, before it is closed.
	 * @return the write timeout
	 */
	public Duration writeTimeout() {
		return this.writeTimeout;
	}

	/**
	 * Return the id of this node, random for each fan-out, which health details and run
	 * leases name the node by.
	 * @return the node id
	 */
	public String nodeId() {
		return this.nodeId;
	}

	/**
	 * Return how many messages wait now in the longest queue of this node: the hand-off
	 * of a channel to a loop plus the queue of one of its subscribers, the most of all.
	 * It grows when a subscriber or a loop cannot keep up, and costs a pass over every
	 * subscriber, so call it to monitor, not on every message.
	 * @return the most messages waiting for one subscriber
	 */
	public int maxQueueDepth() {
		int max = 0;
		for (Feed feed : this.feeds.values()) {
			for (Group group : feed.groups) {
				int subscriberMax = 0;
				for (FanOutSubscriber subscriber : group.subscribers) {
					subscriberMax = Math.max(subscriberMax, subscriber.queued());
				}
				max = Math.max(max, group.waiting + subscriberMax);
			}
		}
		return max;
	}

	/**
	 * Return how many channels have subscribers on this node.
	 * @return the number of channels
	 */
	public int channelCount() {
		return this.feeds.size();
	}

	/**
	 * Return the channels with the most subscribers on this node.
	 * @param limit how many channels at most
	 * @return the channels, most subscribers first
	 */
	public List<ChannelSubscribers> busiestChannels(int limit) {
		Assert.isTrue(limit >= 0, "'limit' must not be negative");
		List<ChannelSubscribers> channels = new ArrayList<>(this.feeds.size());
		for (Feed feed : this.feeds.values()) {
			channels.add(new ChannelSubscribers(feed.channel, feed.subscriberCount()));
		}
		channels.sort(Comparator.comparingInt(ChannelSubscribers::subscribers).reversed());
		return List.copyOf(channels.subList(0, Math.min(limit, channels.size())));
	}

	/**
	 * End every subscription of a channel on this node with
	 * {@link ChannelClosedException}, as after revoking access to it. Subscribers that
	 * come later are not refused: that is up to the tokens.
	 * @param channel the channel name
	 * @return how many subscriptions ended
	 */
	public int close(String channel) {
		Assert.notNull(channel, "'channel' must not be null");
		Feed feed = this.feeds.get(channel);
		if (feed == null) {
			return 0;
		}
		int subscribers = feed.subscriberCount();
		feed.end(new ChannelClosedException(channel));
		return subscribers;
	}

	/**
	 * A subscriber of the fan-out. Every method is called on its loop.
	 */
	interface FanOutSubscriber {

		/**
		 * Return the channel to subscribe to.
		 * @return the channel name
		 */
		String channel();

		/**
		 * Return the loop on which this subscriber is called.
		 * @return the loop
		 */
		StreamLoop loop();

		/**
		 * Called first, with the subscriber's place in the channel, which removes it when
		 * disposed: the same as {@link LocalFanOut#join} returned.
		 * @param membership the subscriber's place
		 */
		default void joined(Membership membership) {
		}

		/**
		 * Called once when every message of the channel published from now on will be
		 * delivered: the time to read the history.
		 */
		void live();

		/**
		 * Take a message of the channel.
		 * @param message the message
		 */
		void accept(EngineMessage message);

		/**
		 * Send what the messages taken since the last call wrote.
		 */
		void flush();

		/**
		 * Return how many messages wait for this subscriber now. Read from any thread,
		 * for monitoring.
		 * @return the number of waiting messages
		 */
		default int queued() {
			return 0;
		}

		/**
		 * Called when the channel's subscription ended: the subscriber must end too.
		 * @param error why, or {@code null} when the engine completed it
		 */
		void ended(@Nullable Throwable error);

	}

	/**
	 * The engine listener of one channel and its loops. Subscribers and loops change
	 * under the instance's lock; messages are handed on without it.
	 */
	private final class Feed implements ChannelListener {

		private final String channel;

		/** Copy-on-write, so that a message is handed on without a lock. */
		private volatile Group[] groups = NO_GROUPS;

		/** Written under the lock; read without it for monitoring. */
		private volatile int subscribers;

		private boolean started;

		private boolean live;

		private boolean closed;

		private @Nullable Disposable listening;

		Feed(String channel) {
			this.channel = channel;
		}

		Duration writeTimeout() {
			return LocalFanOut.this.writeTimeout;
		}

		int subscriberCount() {
			return this.subscribers;
		}

		@Nullable Membership add(FanOutSubscriber subscriber) {
			Group group;
			Membership membership;
			boolean start;
			synchronized (this) {
				if (this.closed) {
					return null;
				}
				this.subscribers++;
				group = group(subscriber.loop());
				group.members++;
				membership = new Membership(this, group, subscriber);
				group.post(new Join(membership));
				start = !this.started;
				this.started = true;
			}
			if (start) {
				// outside the lock: the engine calls the listener under a lock of its own
				listen();
			}
			return membership;
		}

		// the group of a loop, created if needed; under the lock
		private Group group(StreamLoop loop) {
			for (Group group : this.groups) {
				if (group.loop.equals(loop) && !group.overflowed) {
					return group;
				}
			}
			Group group = new Group(loop, this.live);
			Group[] updated = Arrays.copyOf(this.groups, this.groups.length + 1);
			updated[updated.length - 1] = group;
			this.groups = updated;
			return group;
		}

		private void listen() {
			Disposable listening = LocalFanOut.this.engine.listen(this.channel, this);
			boolean stop;
			synchronized (this) {
				this.listening = listening;
				stop = this.closed;
			}
			if (stop) {
				listening.dispose();
			}
		}

		void remove(Membership membership) {
			Disposable stopped = null;
			synchronized (this) {
				if (membership.left) {
					return;
				}
				membership.left = true;
				Group group = membership.group;
				group.post(new Leave(membership.subscriber));
				if (--group.members == 0) {
					this.groups = without(this.groups, group);
				}
				if (--this.subscribers == 0 && !this.closed) {
					this.closed = true;
					LocalFanOut.this.feeds.remove(this.channel, this);
					stopped = this.listening;
				}
			}
			if (stopped != null) {
				stopped.dispose();
			}
		}

		@Override
		public void live() {
			synchronized (this) {
				this.live = true;
				for (Group group : this.groups) {
					group.post(Live.INSTANCE);
				}
			}
		}

		@Override
		public void message(EngineMessage message) {
			for (Group group : this.groups) {
				group.offer(message);
			}
		}

		@Override
		public void ended(@Nullable Throwable error) {
			end(error);
		}

		void end(@Nullable Throwable error) {
			Disposable listening;
			synchronized (this) {
				this.closed = true;
				LocalFanOut.this.feeds.remove(this.channel, this);
				for (Group group : this.groups) {
					group.post(new End(error));
				}
				listening = this.listening;
			}
			if (listening != null) {
				// the engine let go already; this releases what it holds for the listener
				listening.dispose();
			}
		}

		private static Group[] without(Group[] groups, Group group) {
			Group[] updated = new Group[groups.length - 1];
			int i = 0;
			for (Group candidate : groups) {
				if (candidate != group) {
					updated[i++] = candidate;
				}
			}
			return updated;
		}

	}

	/**
	 * The subscribers of one channel on one loop, with the messages waiting for them.
	 * Only the drain, which runs on the loop, touches {@link #subscribers}.
	 */
	private final class Group implements Runnable {

		private static final AtomicIntegerFieldUpdater<Group> WIP = AtomicIntegerFieldUpdater.newUpdater(Group.class,
				"wip");

		private static final AtomicIntegerFieldUpdater<Group> WAITING = AtomicIntegerFieldUpdater
			.newUpdater(Group.class, "waiting");

		private final StreamLoop loop;

		private final Queue<Object> queue = Queues.unboundedMultiproducer().get();

		private volatile int wip;

		/** Messages in the queue. */
		private volatile int waiting;

		/** Whether more messages waited than allowed: the group takes no more. */
		private volatile boolean overflowed;

		/** Subscribers counted under the feed's lock. */
		private int members;

		/**
		 * The subscribers the drain hands messages to; written on the loop, read by
		 * {@link LocalFanOut#maxQueueDepth()} too.
		 */
		private volatile FanOutSubscriber[] subscribers = NO_SUBSCRIBERS;

		private boolean live;

		/**
		 * Whether the group ended its subscribers, with this error, or {@code null} when
		 * the engine completed: one that joins later, as it can while the group
		 * overflows, ends too.
		 */
		private @Nullable End ended;

		Group(StreamLoop loop, boolean live) {
			this.loop = loop;
			this.live = live;
		}

		void offer(EngineMessage message) {
			if (this.overflowed) {
				return;
			}
			if (WAITING.incrementAndGet(this) > LocalFanOut.this.loopBacklog) {
				this.overflowed = true;
				post(new End(new SlowSubscriberException(message.channel(), LocalFanOut.this.loopBacklog)));
				return;
			}
			this.queue.offer(message);
			schedule();
		}

		void post(Object command) {
			this.queue.offer(command);
			schedule();
		}

		private void schedule() {
			if (WIP.getAndIncrement(this) == 0) {
				this.loop.execute(this);
			}
		}

		@Override
		public void run() {
			int missed = 1;
			do {
				drain();
				missed = WIP.addAndGet(this, -missed);
			}
			while (missed != 0);
		}

		private void drain() {
			Object item = this.queue.poll();
			while (item != null) {
				if (!(item instanceof EngineMessage)) {
					handle(item);
					item = this.queue.poll();
					continue;
				}
				// the messages waiting now, up to a batch, go out together
				EngineMessage[] batch = new EngineMessage[Math.max(1, Math.min(BATCH, this.waiting))];
				int size = 0;
				while (item instanceof EngineMessage message && size < batch.length) {
					WAITING.decrementAndGet(this);
					batch[size++] = message;
					item = this.queue.poll();
				}
				deliver(batch, size);
			}
		}

		private void deliver(EngineMessage[] batch, int size) {
			for (FanOutSubscriber subscriber : this.subscribers) {
				for (int i = 0; i < size; i++) {
					subscriber.accept(batch[i]);
				}
				subscriber.flush();
			}
		}

		private void handle(Object command) {
			if (command instanceof Join join) {
				FanOutSubscriber subscriber = join.membership().subscriber;
				subscriber.joined(join.membership());
				End ended = this.ended;
				if (ended != null) {
					subscriber.ended(ended.error());
					return;
				}
				this.subscribers = add(this.subscribers, subscriber);
				if (this.live) {
					subscriber.live();
				}
			}
			else if (command instanceof Leave leave) {
				this.subscribers = remove(this.subscribers, leave.subscriber());
			}
			else if (command instanceof Live) {
				this.live = true;
				for (FanOutSubscriber subscriber : this.subscribers) {
					subscriber.live();
				}
			}
			else if (command instanceof End end) {
				this.ended = end;
				FanOutSubscriber[] ending = this.subscribers;
				this.subscribers = NO_SUBSCRIBERS;
				for (FanOutSubscriber subscriber : ending) {
					subscriber.ended(end.error());
				}
			}
		}

		private static FanOutSubscriber[] add(FanOutSubscriber[] subscribers, FanOutSubscriber subscriber) {
			FanOutSubscriber[] updated = Arrays.copyOf(subscribers, subscribers.length + 1);
			updated[subscribers.length] = subscriber;
			return updated;
		}

		private static FanOutSubscriber[] remove(FanOutSubscriber[] subscribers, FanOutSubscriber subscriber) {
			for (int i = 0; i < subscribers.length; i++) {
				if (subscribers[i] == subscriber) {
					FanOutSubscriber[] updated = new FanOutSubscriber[subscribers.length - 1];
					System.arraycopy(subscribers, 0, updated, 0, i);
					System.arraycopy(subscribers, i + 1, updated, i, updated.length - i);
					return updated;
				}
			}
			return subscribers;
		}

	}

	/**
	 * A subscriber's place in a channel's feed.
	 */
	static final class Membership implements Disposable {

		private final Feed feed;

		private final Group group;

		private final FanOutSubscriber subscriber;

		/** Whether the subscriber left, under the feed's lock. */
		private boolean left;

		Membership(Feed feed, Group group, FanOutSubscriber subscriber) {
			this.feed = feed;
			this.group = group;
			this.subscriber = subscriber;
		}

		/**
		 * Return the channel's name as the feed holds it, which subscribers of the
		 * channel can share instead of keeping a copy each.
		 * @return the channel name
		 */
		String channel() {
			return this.feed.channel;
		}

		/**
		 * Return how long the subscriber's connection may take nothing while messages
		 * wait for it.
		 * @return the write timeout
		 */
		Duration writeTimeout() {
			return this.feed.writeTimeout();
		}

		@Override
		public void dispose() {
			this.feed.remove(this);
		}

	}

	/**
	 * A channel and how many subscribers it has on this node.
	 *
	 * @param channel the channel name
	 * @param subscribers the number of subscribers
	 */
	public record ChannelSubscribers(String channel, int subscribers) {
	}

	private record Join(Membership membership) {
	}

	private record Leave(FanOutSubscriber subscriber) {
	}

	private record End(@Nullable Throwable error) {
	}

	private enum Live {

		INSTANCE

	}

}
