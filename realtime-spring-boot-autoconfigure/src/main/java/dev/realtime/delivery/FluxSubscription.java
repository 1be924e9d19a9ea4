package dev.realtime.delivery;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;

import dev.realtime.engine.EngineEvent;
import dev.realtime.engine.EngineMessage;
import dev.realtime.engine.Replay;
import dev.realtime.metrics.RealtimeStatistics.Subscriber;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Operators;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * A subscription from Java, as {@link LocalFanOut#subscribe} returns it: a
 * {@link ChannelStream} whose client is a Reactive Streams subscriber. The subscriber's
 * demand decides when the stream may write; what it does not request yet waits in the
 * stream's one queue. Each subscription has a worker of its own, so a subscriber that
 * takes its time delays nobody else.
 *
 * @author Realtime team
 */
final class FluxSubscription extends Flux<EngineEvent> {

	private final LocalFanOut fanOut;

	private final String channel;

	private final Set<String> topics;

	private final Replay replay;

	FluxSubscription(LocalFanOut fanOut, String channel, Set<String> topics, Replay replay) {
		this.fanOut = fanOut;
		this.channel = channel;
		this.topics = topics;
		this.replay = replay;
	}

	@Override
	public void subscribe(CoreSubscriber<? super EngineEvent> actual) {
		Client client = new Client(actual);
		actual.onSubscribe(client);
		// at once, so that every message published from now on reaches the subscriber
		client.stream.join();
	}

	/**
	 * The client of the stream and the subscription of the subscriber. The stream's
	 * methods run on the loop; {@link #request} and {@link #cancel} come from anywhere.
	 */
	private final class Client implements ChannelStream.Client, Subscription {

		private final CoreSubscriber<? super EngineEvent> actual;

		private final Scheduler.Worker worker = Schedulers.boundedElastic().createWorker();

		private final StreamLoop loop = new WorkerLoop(this.worker);

		private final ChannelStream stream;

		private final AtomicLong requested = new AtomicLong();

		/** What runs once the subscriber requests more; only on the loop. */
		private @Nullable Runnable whenWritable;

		/** The first event, while the subscriber requested nothing; only on the loop. */
		private EngineEvent.@Nullable Subscribed subscribed;

		/** Whether the subscriber was told the end or cancelled; only on the loop. */
		private boolean done;

		Client(CoreSubscriber<? super EngineEvent> actual) {
			this.actual = actual;
			FluxSubscription outer = FluxSubscription.this;
			this.stream = new ChannelStream(this, outer.channel, outer.topics, outer.replay, outer.fanOut);
		}

		@Override
		public void request(long n) {
			if (Operators.validate(n) && this.requested.getAndAccumulate(n, Operators::addCap) == 0) {
				this.loop.execute(this::requested);
			}
		}

		private void requested() {
			EngineEvent.Subscribed subscribed = this.subscribed;
			if (subscribed != null) {
				this.subscribed = null;
				write(subscribed);
			}
			Runnable task = this.whenWritable;
			if (task != null) {
				this.whenWritable = null;
				task.run();
			}
		}

		@Override
		public void cancel() {
			this.loop.execute(() -> {
				this.done = true;
				this.stream.close();
				this.worker.dispose();
			});
		}

		@Override
		public Subscriber subscriber() {
			return Subscriber.JAVA;
		}

		@Override
		public StreamLoop loop() {
			return this.loop;
		}

		@Override
		public void subscribed(@Nullable Boolean recovered) {
			EngineEvent.Subscribed subscribed = new EngineEvent.Subscribed(recovered);
			if (this.requested.get() > 0) {
				write(subscribed);
			}
			else {
				// messages wait in the stream until the subscriber requests this one
				this.subscribed = subscribed;
			}
		}

		@Override
		public void write(EngineMessage message) {
			write((EngineEvent) message);
		}

		private void write(EngineEvent event) {
			if (this.done) {
				return;
			}
			if (this.requested.get() != Long.MAX_VALUE) {
				this.requested.decrementAndGet();
			}
			this.actual.onNext(event);
		}

		@Override
		public void flush() {
		}

		@Override
		public boolean isWritable() {
			return this.subscribed == null && this.requested.get() > 0;
		}

		@Override
		public void whenWritable(Runnable task) {
			this.whenWritable = task;
			if (this.requested.get() > 0) {
				// the subscriber requested meanwhile
				requested();
			}
		}

		@Override
		public void failed(Throwable error) {
			end(error);
		}

		@Override
		public void completed() {
			end(null);
		}

		private void end(@Nullable Throwable error) {
			if (this.done) {
				return;
			}
			this.done = true;
			this.worker.dispose();
			if (error != null) {
				this.actual.onError(error);
			}
			else {
				this.actual.onComplete();
			}
		}

	}

	/**
	 * The loop of one subscription. Once the subscription ended and its worker is
	 * disposed, tasks still handed to it (a message the fan-out passed on just before the
	 * subscription left) are dropped.
	 *
	 * @param worker the worker
	 */
	private record WorkerLoop(Scheduler.Worker worker) implements StreamLoop {

		@Override
		public void execute(Runnable task) {
			try {
				this.worker.schedule(task);
			}
			catch (RejectedExecutionException ex) {
				// the subscription ended
			}
		}

		@Override
		public Disposable schedule(Runnable task, Duration delay) {
			return StreamLoop.of(this.worker).schedule(task, delay);
		}

		@Override
		public Disposable schedulePeriodically(Runnable task, Duration period) {
			return StreamLoop.of(this.worker).schedulePeriodically(task, period);
		}

	}

}
