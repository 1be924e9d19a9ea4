package dev.realtime.server;

import java.time.Duration;
import java.util.Arrays;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

import dev.realtime.engine.EngineEvent;
import dev.realtime.engine.EngineMessage;
import dev.realtime.engine.RealtimeEngine;
import dev.realtime.engine.Replay;
import dev.realtime.engine.SlowSubscriberException;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Disposable;
import reactor.util.concurrent.Queues;

import org.springframework.util.Assert;

/**
 * Shares one engine subscription per channel among the subscribers of this node, and
 * hands each message once to every {@link StreamLoop} with subscribers of the channel,
 * which writes it to all of them. A message costs one hand-off per loop instead of one
 * per subscriber, and a loop that finds several messages waiting writes them all before
 * it flushes each connection once.
 * <p>
 * A subscriber joins, learns on its loop that the channel is live
 * ({@link FanOutSubscriber#live()}) and from then on receives every message of the
 * channel. What it needs from before, it reads with {@link RealtimeEngine#history} after
 * that point and skips the live messages its history already holds. When more messages
 * wait for a loop than one subscriber may fall behind, its subscribers end with
 * {@link SlowSubscriberException}.
 *
 * @author Realtime team
 */
final class LocalFanOut {

	private static final Group[] NO_GROUPS = {};

	private static final FanOutSubscriber[] NO_SUBSCRIBERS = {};

	/** The most messages a loop writes to each subscriber before it flushes. */
	private static final int BATCH = 64;

	private final RealtimeEngine engine;

	private final int capacity;

	private final Duration writeTimeout;

	private final ConcurrentHashMap<String, Feed> feeds = new ConcurrentHashMap<>();

	/**
	 * Create a new instance.
	 * @param engine the engine
	 * @param capacity how many messages may wait for a loop
	 * @param writeTimeout how long a subscriber's connection may take nothing while
	 * messages wait for it
	 */
	LocalFanOut(RealtimeEngine engine, int capacity, Duration writeTimeout) {
		Assert.notNull(engine, "'engine' must not be null");
		Assert.isTrue(capacity > 0, "'capacity' must be positive");
		Assert.isTrue(!writeTimeout.isNegative() && !writeTimeout.isZero(), "'writeTimeout' must be positive");
		this.engine = engine;
		this.capacity = capacity;
		this.writeTimeout = writeTimeout;
	}

	/**
	 * Add a subscriber to its channel.
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
	Duration writeTimeout() {
		return this.writeTimeout;
	}

	/**
	 * Return how many channels have subscribers on this node, for tests.
	 * @return the number of channels
	 */
	int channelCount() {
		return this.feeds.size();
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
		 * Called when the channel's subscription ended: the subscriber must end too.
		 * @param error why, or {@code null} when the engine completed it
		 */
		void ended(@Nullable Throwable error);

	}

	/**
	 * The engine subscription of one channel and its loops. Subscribers and loops change
	 * under the instance's lock; messages are handed on without it.
	 */
	private final class Feed implements CoreSubscriber<EngineEvent> {

		private final String channel;

		/** Copy-on-write, so that a message is handed on without a lock. */
		private volatile Group[] groups = NO_GROUPS;

		private int subscribers;

		private boolean started;

		private boolean live;

		private boolean closed;

		private @Nullable Subscription subscription;

		Feed(String channel) {
			this.channel = channel;
		}

		Duration writeTimeout() {
			return LocalFanOut.this.writeTimeout;
		}

		@Nullable Membership add(FanOutSubscriber subscriber) {
			Group group;
			boolean start;
			synchronized (this) {
				if (this.closed) {
					return null;
				}
				this.subscribers++;
				group = group(subscriber.loop());
				group.members++;
				group.post(new Join(subscriber));
				start = !this.started;
				this.started = true;
			}
			if (start) {
				// outside the lock, which the engine's delivery never takes
				LocalFanOut.this.engine.subscribe(this.channel, Replay.none()).subscribe(this);
			}
			return new Membership(this, group, subscriber);
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

		void remove(Membership membership) {
			Subscription cancelled = null;
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
					cancelled = this.subscription;
				}
			}
			if (cancelled != null) {
				cancelled.cancel();
			}
		}

		@Override
		public void onSubscribe(Subscription subscription) {
			boolean cancel;
			synchronized (this) {
				this.subscription = subscription;
				cancel = this.closed;
			}
			if (cancel) {
				subscription.cancel();
			}
			else {
				subscription.request(Long.MAX_VALUE);
			}
		}

		@Override
		public void onNext(EngineEvent event) {
			if (event instanceof EngineMessage message) {
				for (Group group : this.groups) {
					group.offer(message);
				}
				return;
			}
			synchronized (this) {
				this.live = true;
				for (Group group : this.groups) {
					group.post(Live.INSTANCE);
				}
			}
		}

		@Override
		public void onError(Throwable ex) {
			end(ex);
		}

		@Override
		public void onComplete() {
			end(null);
		}

		private void end(@Nullable Throwable error) {
			synchronized (this) {
				this.closed = true;
				LocalFanOut.this.feeds.remove(this.channel, this);
				for (Group group : this.groups) {
					group.post(new End(error));
				}
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

		/** The subscribers the drain hands messages to. */
		private FanOutSubscriber[] subscribers = NO_SUBSCRIBERS;

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
			if (WAITING.incrementAndGet(this) > LocalFanOut.this.capacity) {
				this.overflowed = true;
				post(new End(new SlowSubscriberException(message.channel(), LocalFanOut.this.capacity)));
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
				End ended = this.ended;
				if (ended != null) {
					join.subscriber().ended(ended.error());
					return;
				}
				this.subscribers = add(this.subscribers, join.subscriber());
				if (this.live) {
					join.subscriber().live();
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

	private record Join(FanOutSubscriber subscriber) {
	}

	private record Leave(FanOutSubscriber subscriber) {
	}

	private record End(@Nullable Throwable error) {
	}

	private enum Live {

		INSTANCE

	}

}
