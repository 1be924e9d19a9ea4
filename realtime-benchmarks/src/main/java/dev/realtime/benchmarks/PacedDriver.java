package dev.realtime.benchmarks;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

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
				done.complete(run(rate, duration, publish));
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
		long start = System.nanoTime();
		long end = start + duration.toNanos();
		long sent = 0;
		long now;
		while ((now = System.nanoTime()) < end) {
			long due = (long) ((now - start) / 1e9 * rate) + 1;
			while (sent < due && System.nanoTime() < end) {
				publish.accept((int) sent++);
			}
			LockSupport.parkNanos(100_000);
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
