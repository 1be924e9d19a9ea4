package dev.realtime.actuate;

import dev.realtime.engine.EngineHealth;
import dev.realtime.engine.RealtimeEngine;
import reactor.core.publisher.Mono;

import org.springframework.boot.health.contributor.AbstractReactiveHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import org.springframework.util.Assert;

/**
 * A {@link ReactiveHealthIndicator} for the realtime engine: up when it can publish and
 * deliver (the Redis engine: Redis answers and this node's pub/sub connection is live),
 * with the engine's details. Spring Boot adapts it for servlet applications too.
 *
 * @author Realtime team
 * @since 0.1.0
 * @see RealtimeEngine#health()
 */
public class RealtimeHealthIndicator extends AbstractReactiveHealthIndicator {

	private final RealtimeEngine engine;

	/**
	 * Create an instance.
	 * @param engine the engine to check
	 */
	public RealtimeHealthIndicator(RealtimeEngine engine) {
		super("Realtime engine health check failed");
		Assert.notNull(engine, "'engine' must not be null");
		this.engine = engine;
	}

	@Override
	protected Mono<Health> doHealthCheck(Health.Builder builder) {
		return this.engine.health().map((health) -> status(builder, health).withDetails(health.describe()).build());
	}

	private static Health.Builder status(Health.Builder builder, EngineHealth health) {
		return health.up() ? builder.up() : builder.down();
	}

}
