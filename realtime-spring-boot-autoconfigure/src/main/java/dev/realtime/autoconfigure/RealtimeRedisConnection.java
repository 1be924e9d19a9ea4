package dev.realtime.autoconfigure;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.context.Lifecycle;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.util.Assert;

/**
 * The Redis connection factory of the realtime engine: what the engine, its run leases,
 * the memo store of durable steps and the stream-ticket store use. It is held apart from
 * the application's {@link ReactiveRedisConnectionFactory} so that the engine's
 * connections can be tuned for quick recovery without changing the application's own
 * Redis client, and it is not a connection factory bean itself, so that it never competes
 * with the application's for injection by type.
 * <p>
 * The auto-configuration {@link #derivedFrom(LettuceConnectionFactory, Duration) derives}
 * it from the application's Lettuce connection factory. Define a bean of this type to
 * choose the engine's connection factory yourself.
 *
 * @author Realtime team
 * @since 0.1.0
 */
public final class RealtimeRedisConnection implements InitializingBean, DisposableBean {

	private final ReactiveRedisConnectionFactory connectionFactory;

	private final boolean owned;

	private final @Nullable Runnable release;

	RealtimeRedisConnection(ReactiveRedisConnectionFactory connectionFactory, boolean owned,
			@Nullable Runnable release) {
		Assert.notNull(connectionFactory, "'connectionFactory' must not be null");
		this.connectionFactory = connectionFactory;
		this.owned = owned;
		this.release = release;
	}

	/**
	 * Use a connection factory as it is, started and destroyed by whoever created it,
	 * such as the application's connection factory bean. How soon the engine recovers
	 * after Redis returns, and whether its publishes fail at once while Redis is
	 * unreachable, then depend on that factory's client settings.
	 * @param connectionFactory the connection factory
	 * @return the engine's connection
	 */
	public static RealtimeRedisConnection shared(ReactiveRedisConnectionFactory connectionFactory) {
		return new RealtimeRedisConnection(connectionFactory, false, null);
	}

	/**
	 * Use a connection factory of the engine's own, which is not a bean: it is
	 * initialized and started with this connection and destroyed with it.
	 * @param connectionFactory the connection factory
	 * @return the engine's connection
	 */
	public static RealtimeRedisConnection owned(ReactiveRedisConnectionFactory connectionFactory) {
		return new RealtimeRedisConnection(connectionFactory, true, null);
	}

	/**
	 * Derive a connection factory of the engine's own from a Lettuce connection factory:
	 * the same standalone, socket, Sentinel or cluster configuration and client settings
	 * (SSL, credentials, client name, timeouts, read-from, client options) except that
	 * commands are rejected while the client is disconnected instead of being queued
	 * until it reconnects, and that it tries to reconnect with delays that grow from a
	 * millisecond up to {@code reconnectDelay} only. Its client resources share the
	 * threads, timer, metrics and tracing of the given factory's resources, which must
	 * outlive this connection. Nothing of the given factory changes.
	 * <p>
	 * A static master/replica configuration, which a Lettuce connection factory does not
	 * expose, cannot be derived: use {@link #shared(ReactiveRedisConnectionFactory)} for
	 * it.
	 * @param connectionFactory the factory to derive from, such as the application's
	 * @param reconnectDelay the longest delay between two reconnection attempts
	 * @return the engine's connection
	 */
	public static RealtimeRedisConnection derivedFrom(LettuceConnectionFactory connectionFactory,
			Duration reconnectDelay) {
		return LettuceEngineConnection.derive(connectionFactory, reconnectDelay);
	}

	/**
	 * Return the connection factory the engine uses.
	 * @return the connection factory
	 */
	public ReactiveRedisConnectionFactory getConnectionFactory() {
		return this.connectionFactory;
	}

	/**
	 * Return whether the connection factory is the engine's own, started and destroyed
	 * with this connection.
	 * @return {@code true} if this connection owns its factory
	 */
	public boolean isOwned() {
		return this.owned;
	}

	@Override
	public void afterPropertiesSet() throws Exception {
		if (!this.owned) {
			return;
		}
		if (this.connectionFactory instanceof InitializingBean initializing) {
			initializing.afterPropertiesSet();
		}
		if (this.connectionFactory instanceof Lifecycle lifecycle && !lifecycle.isRunning()) {
			lifecycle.start();
		}
	}

	@Override
	public void destroy() throws Exception {
		if (!this.owned) {
			return;
		}
		try {
			if (this.connectionFactory instanceof DisposableBean disposable) {
				disposable.destroy();
			}
		}
		finally {
			if (this.release != null) {
				this.release.run();
			}
		}
	}

	@Override
	public String toString() {
		return "RealtimeRedisConnection (" + (this.owned ? "owned" : "shared") + ") on " + this.connectionFactory;
	}

}
