package dev.realtime.server;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

import dev.realtime.delivery.StreamLoop;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.scheduler.Schedulers;

/**
 * The open SSE streams and WebSocket connections of the application, per
 * {@link StreamLoop}. One periodic tick per loop checks every stream's token expiry and
 * keep-alive, instead of timers per stream, and the application's shutdown ends them all.
 * A loop without streams has no tick.
 *
 * @author Realtime team
 */
final class OpenStreams {

	private static final Log logger = LogFactory.getLog(OpenStreams.class);

	private final Duration tick;

	private final Clock clock;

	private final ConcurrentHashMap<StreamLoop, Loop> loops = new ConcurrentHashMap<>();

	private final AtomicInteger nextWorker = new AtomicInteger();

	private volatile @Nullable List<StreamLoop> workers;

	private volatile boolean stopping;

	/**
	 * Create a new instance.
	 * @param tick how often streams are checked
	 * @param clock the clock for token expiry
	 * @param shutdown ends every stream when the application stops
	 */
	OpenStreams(Duration tick, Clock clock, ShutdownSignal shutdown) {
		this.tick = tick;
		this.clock = clock;
		shutdown.asMono().subscribe(null, null, this::shutdown);
	}

	/**
	 * Track a stream until it ends. Called on the stream's loop.
	 * @param stream the stream
	 */
	void add(Stream stream) {
		if (this.stopping) {
			stream.shutdown();
			return;
		}
		this.loops.computeIfAbsent(stream.loop(), Loop::new).add(stream);
		if (this.stopping) {
			// the shutdown may have missed a loop that was new; ending twice is harmless
			stream.shutdown();
		}
	}

	/**
	 * Return a loop for streams that are not written on an event loop of their own. The
	 * workers are never disposed, so that a stream that comes while the application stops
	 * can still end cleanly; an idle worker holds nothing.
	 * @return one of a few workers of Reactor's parallel scheduler, in turn
	 */
	StreamLoop workerLoop() {
		List<StreamLoop> workers = this.workers;
		if (workers == null) {
			synchronized (this) {
				workers = this.workers;
				if (workers == null) {
					workers = new ArrayList<>();
					for (int i = 0; i < Schedulers.DEFAULT_POOL_SIZE; i++) {
						workers.add(StreamLoop.of(Schedulers.parallel().createWorker()));
					}
					this.workers = workers;
				}
			}
		}
		return workers.get(Math.floorMod(this.nextWorker.getAndIncrement(), workers.size()));
	}

	/**
	 * Tell whether the application is stopping.
	 * @return {@code true} once streams are being ended
	 */
	boolean isStopping() {
		return this.stopping;
	}

	private void shutdown() {
		this.stopping = true;
		this.loops.values().forEach(Loop::shutdown);
	}

	/**
	 * A stream, confined to its loop: every method is called there.
	 */
	interface Stream {

		/**
		 * Return the loop of this stream.
		 * @return the loop
		 */
		StreamLoop loop();

		/**
		 * Check the token's expiry and whether a keep-alive is due.
		 * @param now the current time in milliseconds since the epoch
		 * @return {@code false} once the stream has ended, to be forgotten
		 */
		boolean tick(long now);

		/**
		 * End the stream because the application stops.
		 */
		void shutdown();

	}

	/**
	 * The streams of one loop. Confined to that loop.
	 */
	private final class Loop {

		private final StreamLoop loop;

		private final ArrayList<Stream> streams = new ArrayList<>();

		private @Nullable Disposable ticking;

		Loop(StreamLoop loop) {
			this.loop = loop;
		}

		void add(Stream stream) {
			this.streams.add(stream);
			if (this.ticking == null) {
				this.ticking = this.loop.schedulePeriodically(this::tick, OpenStreams.this.tick);
			}
		}

		private void tick() {
			long now = OpenStreams.this.clock.millis();
			// keep the open ones, in order
			int open = 0;
			for (int i = 0; i < this.streams.size(); i++) {
				Stream stream = this.streams.get(i);
				if (tick(stream, now)) {
					this.streams.set(open++, stream);
				}
			}
			this.streams.subList(open, this.streams.size()).clear();
			Disposable ticking = this.ticking;
			if (this.streams.isEmpty() && ticking != null) {
				ticking.dispose();
				this.ticking = null;
			}
		}

		// a stream that fails must not stop the ticks of the others: a periodic task that
		// throws is not run again
		private boolean tick(Stream stream, long now) {
			try {
				return stream.tick(now);
			}
			catch (RuntimeException ex) {
				logger.error("Realtime stream failed on a tick; it is no longer checked", ex);
				return false;
			}
		}

		void shutdown() {
			try {
				this.loop.execute(() -> {
					for (Stream stream : this.streams) {
						stream.shutdown();
					}
					tick();
				});
			}
			catch (RejectedExecutionException ex) {
				// the server stopped its event loops first, closing their connections
				logger.debug("Not ending the streams of a loop that was already shut down", ex);
			}
		}

	}

}
