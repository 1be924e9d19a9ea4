package dev.realtime.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.reflect.Method;
import java.util.HashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * Counts the heap a server under test allocated, for {@code GET /bench/allocated}: on JDK
 * 21 and later {@code ThreadMXBean#getTotalThreadAllocatedBytes}, before that the sum of
 * {@code getThreadAllocatedBytes} over the live threads, plus what threads that ended had
 * allocated when last seen, so that the count never goes back when a thread ends (the
 * in-process publisher's thread reports itself as it ends).
 *
 * @author Realtime team
 * @since 0.1.0
 */
public final class Allocations {

	private static final com.sun.management.ThreadMXBean THREADS = (com.sun.management.ThreadMXBean) ManagementFactory
		.getThreadMXBean();

	private static final @Nullable Method TOTAL = total();

	private static final Map<Long, Long> lastSeen = new HashMap<>();

	private static long ended;

	private Allocations() {
	}

	private static @Nullable Method total() {
		try {
			return com.sun.management.ThreadMXBean.class.getMethod("getTotalThreadAllocatedBytes");
		}
		catch (NoSuchMethodException ex) {
			// JDK 17 to 20
			return null;
		}
	}

	/**
	 * Return the bytes of heap every thread of this process allocated so far.
	 * @return the bytes, approximately
	 */
	public static synchronized long allocatedBytes() {
		if (TOTAL != null) {
			try {
				long total = (long) TOTAL.invoke(THREADS);
				if (total >= 0) {
					return total;
				}
			}
			catch (ReflectiveOperationException ex) {
				// counted below
			}
		}
		long[] ids = THREADS.getAllThreadIds();
		long[] bytes = THREADS.getThreadAllocatedBytes(ids);
		Map<Long, Long> live = new HashMap<>();
		long sum = 0;
		for (int i = 0; i < ids.length; i++) {
			if (bytes[i] > 0) {
				live.put(ids[i], bytes[i]);
				sum += bytes[i];
			}
		}
		lastSeen.forEach((id, seen) -> {
			if (!live.containsKey(id)) {
				ended += seen;
			}
		});
		lastSeen.clear();
		lastSeen.putAll(live);
		return sum + ended;
	}

	/**
	 * Count what the calling thread allocated, as it ends.
	 */
	static synchronized void ending() {
		long id = Thread.currentThread().getId();
		long bytes = THREADS.getThreadAllocatedBytes(id);
		if (bytes > 0) {
			lastSeen.remove(id);
			ended += bytes;
		}
	}

}
