package dev.realtime.server.webflux;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.FastThreadLocal;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.scheduler.Scheduler;

/**
 * Where the state of some streams lives: a thread that runs their tasks one at a time, in
 * order. Streams on Reactor Netty live on their connection's event loop, so that writing
 * needs no hand-off; streams of other servers on a worker of Reactor's parallel
 * scheduler. Two loops are equal when they run on the same thread.
 *
 * @author Realtime team
 */
interface StreamLoop extends Executor {

	/**
	 * Run a task once, after a delay.
	 * @param task the task
	 * @param delay the delay
	 * @return cancels the task
	 */
	Disposable schedule(Runnable task, Duration delay);

	/**
	 * Run a task periodically.
	 * @param task the task
	 * @param period the period
	 * @return cancels the task
	 */
	Disposable schedulePeriodically(Runnable task, Duration period);

	/**
	 * Return the loop of a Netty event loop, the same instance for every stream created
	 * on that event loop.
	 * @param eventLoop the event loop
	 * @return the loop
	 */
	static StreamLoop of(EventLoop eventLoop) {
		if (!eventLoop.inEventLoop()) {
			return new EventLoopStreamLoop(eventLoop);
		}
		EventLoopStreamLoop loop = EventLoopStreamLoop.CURRENT.get();
		if (loop == null || loop.eventLoop() != eventLoop) {
			loop = new EventLoopStreamLoop(eventLoop);
			EventLoopStreamLoop.CURRENT.set(loop);
		}
		return loop;
	}

	/**
	 * Return the loop of a Reactor worker.
	 * @param worker the worker
	 * @return the loop
	 */
	static StreamLoop of(Scheduler.Worker worker) {
		return new WorkerStreamLoop(worker);
	}

	/**
	 * A Netty event loop.
	 *
	 * @param eventLoop the event loop
	 */
	record EventLoopStreamLoop(EventLoop eventLoop) implements StreamLoop {

		/** The loop of the event loop running on this thread, shared by its streams. */
		private static final FastThreadLocal<@Nullable EventLoopStreamLoop> CURRENT = new FastThreadLocal<>();

		@Override
		public void execute(Runnable task) {
			this.eventLoop.execute(task);
		}

		@Override
		public Disposable schedule(Runnable task, Duration delay) {
			ScheduledFuture<?> future = this.eventLoop.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
			return () -> future.cancel(false);
		}

		@Override
		public Disposable schedulePeriodically(Runnable task, Duration period) {
			long millis = period.toMillis();
			ScheduledFuture<?> future = this.eventLoop.scheduleAtFixedRate(task, millis, millis, TimeUnit.MILLISECONDS);
			return () -> future.cancel(false);
		}

	}

	/**
	 * A Reactor worker.
	 *
	 * @param worker the worker
	 */
	record WorkerStreamLoop(Scheduler.Worker worker) implements StreamLoop {

		@Override
		public void execute(Runnable task) {
			this.worker.schedule(task);
		}

		@Override
		public Disposable schedule(Runnable task, Duration delay) {
			return this.worker.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
		}

		@Override
		public Disposable schedulePeriodically(Runnable task, Duration period) {
			long millis = period.toMillis();
			return this.worker.schedulePeriodically(task, millis, millis, TimeUnit.MILLISECONDS);
		}

	}

}
