package dev.realtime.engine;

import java.util.AbstractQueue;
import java.util.Iterator;
import java.util.Queue;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;
import reactor.util.concurrent.Queues;

import org.springframework.util.Assert;

/**
 * The bounded queue of one subscriber: refuses a message once {@code capacity} are
 * waiting, so that a subscriber that falls behind is detected, but grows in small chunks
 * instead of allocating its capacity up front, so that an idle subscription costs little.
 * One producer (the engine, serialized per channel) and one consumer (the subscriber).
 *
 * @param <T> the element type
 * @author Realtime team
 * @since 0.1.0
 */
public final class SubscriberQueue<T> extends AbstractQueue<T> {

	private static final int CHUNK = 16;

	private final Queue<T> elements = Queues.<T>unbounded(CHUNK).get();

	private final AtomicInteger size = new AtomicInteger();

	private final int capacity;

	private SubscriberQueue(int capacity) {
		this.capacity = capacity;
	}

	/**
	 * Create a queue that holds at most {@code capacity} elements.
	 * @param <T> the element type
	 * @param capacity the most elements waiting at once
	 * @return the queue
	 */
	public static <T> SubscriberQueue<T> bounded(int capacity) {
		Assert.isTrue(capacity > 0, "'capacity' must be positive");
		return new SubscriberQueue<>(capacity);
	}

	@Override
	public boolean offer(T element) {
		if (this.size.get() >= this.capacity) {
			return false;
		}
		this.elements.offer(element);
		this.size.incrementAndGet();
		return true;
	}

	@Override
	public @Nullable T poll() {
		T element = this.elements.poll();
		if (element != null) {
			this.size.decrementAndGet();
		}
		return element;
	}

	@Override
	public @Nullable T peek() {
		return this.elements.peek();
	}

	@Override
	public boolean isEmpty() {
		return this.elements.isEmpty();
	}

	@Override
	public int size() {
		return this.size.get();
	}

	@Override
	public Iterator<T> iterator() {
		throw new UnsupportedOperationException("A subscriber queue is only polled");
	}

}
