package dev.realtime.server;

import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import org.springframework.context.SmartLifecycle;

/**
 * Tells open streams that the application is stopping, before the web server stops, so
 * that they end with a reconnect hint and clients resume on another node.
 *
 * @author Realtime team
 * @since 0.1.0
 */
public final class ShutdownSignal implements SmartLifecycle {

	private final Sinks.Empty<Void> stopping = Sinks.empty();

	private volatile boolean running;

	/**
	 * Return a {@link Mono} that completes when the application starts stopping.
	 * @return the signal
	 */
	public Mono<Void> asMono() {
		return this.stopping.asMono();
	}

	@Override
	public void start() {
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
		this.stopping.tryEmitEmpty();
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		// stop before the web server's graceful shutdown so streams end cleanly
		return SmartLifecycle.DEFAULT_PHASE;
	}

}
