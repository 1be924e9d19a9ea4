package dev.realtime.server.webflux;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import dev.realtime.delivery.StreamLoop;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.FastThreadLocal;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;

/**
 * The {@link StreamLoop} of a Netty event loop: streams of a Reactor Netty connection
 * live on the connection's event loop, so that writing needs no hand-off.
 *
 * @param eventLoop the event loop
 * @author Realtime team
 */
record EventLoopStreamLoop(EventLoop eventLoop) implements StreamLoop {

	/** The loop of the event loop running on this thread, shared by its streams. */
	private static final FastThreadLocal<@Nullable EventLoopStreamLoop> CURRENT = new FastThreadLocal<>();

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
		EventLoopStreamLoop loop = CURRENT.get();
		if (loop == null || loop.eventLoop() != eventLoop) {
			loop = new EventLoopStreamLoop(eventLoop);
			CURRENT.set(loop);
		}
		return loop;
	}

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
