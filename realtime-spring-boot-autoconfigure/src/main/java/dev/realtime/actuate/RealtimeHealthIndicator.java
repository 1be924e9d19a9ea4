package dev.realtime.actuate;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.realtime.delivery.LocalFanOut;
import dev.realtime.engine.EngineHealth;
import dev.realtime.engine.RealtimeEngine;
import dev.realtime.metrics.RealtimeStatistics;
import dev.realtime.metrics.RealtimeStatistics.Transport;
import reactor.core.publisher.Mono;

import org.springframework.boot.health.contributor.AbstractReactiveHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import org.springframework.util.Assert;

/**
 * A {@link ReactiveHealthIndicator} for the realtime engine of a node: up when it can
 * publish and deliver (the Redis engine: Redis answers and this node's pub/sub connection
 * is live). The details name the engine and the node, count the node's connections by
 * transport, its subscriptions and the channels they are on, and add the engine's own
 * figures. Spring Boot adapts it for servlet applications too.
 *
 * @author Realtime team
 * @since 0.1.0
 * @see RealtimeEngine#health()
 */
public class RealtimeHealthIndicator extends AbstractReactiveHealthIndicator {

	private final LocalFanOut fanOut;

	/**
	 * Create an instance.
	 * @param fanOut the node's fan-out, with its engine and statistics
	 */
	public RealtimeHealthIndicator(LocalFanOut fanOut) {
		super("Realtime engine health check failed");
		Assert.notNull(fanOut, "'fanOut' must not be null");
		this.fanOut = fanOut;
	}

	@Override
	protected Mono<Health> doHealthCheck(Health.Builder builder) {
		return this.fanOut.engine()
			.health()
			.map((health) -> status(builder, health).withDetails(details(health)).build());
	}

	private Map<String, Object> details(EngineHealth health) {
		RealtimeStatistics statistics = this.fanOut.statistics();
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("engine", health.type());
		details.put("node", this.fanOut.nodeId());
		Map<String, Long> connections = new LinkedHashMap<>();
		for (Transport transport : Transport.values()) {
			connections.put(transport.tag(), statistics.connections(transport));
		}
		details.put("connections", connections);
		details.put("subscriptions", statistics.subscriptions());
		details.put("subscribedChannels", this.fanOut.channelCount());
		details.putAll(health.describe());
		return details;
	}

	private static Health.Builder status(Health.Builder builder, EngineHealth health) {
		return health.up() ? builder.up() : builder.down();
	}

}
