package dev.realtime.delivery;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

import reactor.core.Disposable;
import reactor.core.scheduler.Scheduler;

/**
 * Where the state of some streams lives: a thread that runs their tasks one at a time, in
 * order. A transport whose server has event loops, as Reactor Netty has, puts streams on
 * their connection's event loop, so that writing needs no hand-off; other transports and
 * Java subscribers put them on a worker's. Two loops are equal when they run on the same
 * thread.
 *
 * @author Realtime team
 * @since 0.1.0
 */
public interface StreamLoop extends Executor {

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
	 * Return the loop of a Reactor worker.
	 * @param worker the worker
	 * @return the loop
	 */
	static StreamLoop of(Scheduler.Worker worker) {
		return new WorkerStreamLoop(worker);
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
