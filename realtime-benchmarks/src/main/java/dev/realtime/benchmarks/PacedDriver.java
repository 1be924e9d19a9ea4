package dev.realtime.benchmarks;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;
import java.util.function.IntPredicate;

/**
 * Publishes inside a server under test at a paced rate, on a thread of its own, for the
 * scenarios whose publish rate HTTP could not carry. Also measures the heap.
 *
 * @author Realtime team
 * @since 0.1.0
 */
public final class PacedDriver {

	private PacedDriver() {
	}

	/**
	 * Publish at a rate for a while.
	 * @param rate publishes per second
	 * @param duration how long to publish
	 * @param publish publishes the message with the given sequence number
	 * @return how many messages were published, when done
	 */
	public static CompletableFuture<Long> drive(double rate, Duration duration, IntConsumer publish) {
		CompletableFuture<Long> done = new CompletableFuture<>();
		Thread thread = new Thread(() -> {
			try {
				long published = run(rate, duration, publish);
				// before the caller reads the allocation of the run
				Allocations.ending();
				done.complete(published);
			}
			catch (Throwable ex) {
				done.completeExceptionally(ex);
			}
		}, "bench-driver");
		thread.setDaemon(true);
		thread.start();
		return done;
	}

	private static long run(double rate, Duration duration, IntConsumer publish) {
		return pace(rate, duration, 100_000, (sequence) -> {
			publish.accept(sequence);
			return true;
		});
	}

	/**
	 * Call {@code send} with sequence numbers 0, 1, 2, … so that {@code rate} calls a
	 * second are made, catching up after pauses, until the duration is over.
	 * @param rate calls per second
	 * @param duration how long to send
	 * @param parkNanos how long to pause between rounds of catching up
	 * @param send sends one message; {@code false} when it cannot now, ending this round
	 * @return how many messages were sent
	 */
	public static long pace(double rate, Duration duration, long parkNanos, IntPredicate send) {
		long start = System.nanoTime();
		long end = start + duration.toNanos();
		long sent = 0;
		long now;
		while ((now = System.nanoTime()) < end) {
			long due = (long) ((now - start) / 1e9 * rate) + 1;
			while (sent < due && System.nanoTime() < end && send.test((int) sent)) {
				sent++;
			}
			LockSupport.parkNanos(parkNanos);
		}
		return sent;
	}

	/**
	 * Collect garbage and return the heap in use.
	 * @return the bytes of heap in use after a full collection
	 * @throws InterruptedException when interrupted between collections
	 */
	public static long heapAfterGc() throws InterruptedException {
		long used = Long.MAX_VALUE;
		for (int i = 0; i < 3; i++) {
			System.gc();
			Thread.sleep(200);
			used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
		}
		return used;
	}

}
