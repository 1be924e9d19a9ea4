package dev.realtime.actuate;

import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;

import dev.realtime.delivery.LocalFanOut;
import dev.realtime.engine.redis.RedisEngine;
import dev.realtime.engine.redis.RedisEngineStatistics;
import dev.realtime.engine.redis.RedisEngineStatistics.CatchUp;
import dev.realtime.engine.redis.RedisEngineStatistics.Command;
import dev.realtime.metrics.RealtimeStatistics;
import dev.realtime.metrics.RealtimeStatistics.CloseReason;
import dev.realtime.metrics.RealtimeStatistics.PublishOutcome;
import dev.realtime.metrics.RealtimeStatistics.PublishSource;
import dev.realtime.metrics.RealtimeStatistics.Rejection;
import dev.realtime.metrics.RealtimeStatistics.Resume;
import dev.realtime.metrics.RealtimeStatistics.RunEvent;
import dev.realtime.metrics.RealtimeStatistics.Subscriber;
import dev.realtime.metrics.RealtimeStatistics.TokenFailure;
import dev.realtime.metrics.RealtimeStatistics.Transport;
import dev.realtime.run.DefaultRealtimeRuns;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * Publishes a node's {@link RealtimeStatistics} as Micrometer meters, all named
 * {@code realtime.*} and tagged with low-cardinality values only (never a channel or a
 * user), and those of the {@link RedisEngine} when the node runs on it. The meters read
 * the counters when they are scraped, so that counting costs the hot path an uncontended
 * add and nothing more.
 *
 * @author Realtime team
 * @since 0.1.0
 */
public class RealtimeMeters implements MeterBinder {

	private final LocalFanOut fanOut;

	private final @Nullable DefaultRealtimeRuns runs;

	/**
	 * Create an instance for a node without runs.
	 * @param fanOut the node's fan-out, with its statistics and channels
	 */
	public RealtimeMeters(LocalFanOut fanOut) {
		this(fanOut, null);
	}

	/**
	 * Create an instance.
	 * @param fanOut the node's fan-out, with its statistics and channels
	 * @param runs the node's runs, if runs are enabled
	 */
	public RealtimeMeters(LocalFanOut fanOut, @Nullable DefaultRealtimeRuns runs) {
		Assert.notNull(fanOut, "'fanOut' must not be null");
		this.fanOut = fanOut;
		this.runs = runs;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		RealtimeStatistics statistics = this.fanOut.statistics();
		for (Transport transport : Transport.values()) {
			Gauge.builder("realtime.connections", statistics, (s) -> s.connections(transport))
				.description("Connections open now")
				.tag("transport", transport.tag())
				.register(registry);
			counter("realtime.connections.opened", "Connections opened", statistics, (s) -> s.opened(transport))
				.tag("transport", transport.tag())
				.register(registry);
			for (CloseReason reason : CloseReason.values()) {
				counter("realtime.connections.closed", "Connections closed, by reason", statistics,
						(s) -> s.closed(transport, reason))
					.tags("transport", transport.tag(), "reason", reason.tag())
					.register(registry);
			}
		}
		for (Subscriber subscriber : Subscriber.values()) {
			Gauge.builder("realtime.subscriptions", statistics, (s) -> s.subscriptions(subscriber))
				.description("Subscriptions to channels open now: SSE streams, channels of WebSocket connections, "
						+ "Java subscribers")
				.tag("transport", subscriber.tag())
				.register(registry);
		}
		for (Rejection reason : Rejection.values()) {
			if (reason == Rejection.CAP) {
				counter("realtime.subscriptions.rejected", "Subscriptions refused by a connection limit", statistics,
						(s) -> s.rejected(reason))
					.tag("reason", reason.tag())
					.register(registry);
			}
		}
		Gauge.builder("realtime.channels", this.fanOut, LocalFanOut::channelCount)
			.description("Channels with subscribers on this node, each one engine subscription")
			.register(registry);
		Gauge.builder("realtime.queue.depth", this.fanOut, LocalFanOut::maxQueueDepth)
			.description("The most messages waiting for one subscriber on this node now, "
					+ "in its queue and its loop's hand-off")
			.register(registry);
		counter("realtime.deliveries", "Messages handed to subscribers", statistics, RealtimeStatistics::deliveries)
			.register(registry);
		counter("realtime.slow.subscribers", "Subscribers ended because they did not keep up", statistics,
				RealtimeStatistics::slowSubscribers)
			.register(registry);
		counter("realtime.messages.dropped", "Messages dropped with the slow subscribers they waited for", statistics,
				RealtimeStatistics::dropped)
			.register(registry);
		for (Resume resume : Resume.values()) {
			counter("realtime.resumes", "Subscriptions by what their replay recovered", statistics,
					(s) -> s.resumes(resume))
				.tag("recovered", resume.tag())
				.register(registry);
		}
		counter("realtime.messages.replayed", "Messages replayed from history", statistics,
				RealtimeStatistics::replayed)
			.register(registry);
		for (PublishSource source : PublishSource.values()) {
			for (PublishOutcome outcome : PublishOutcome.values()) {
				counter("realtime.publishes", "Publishes, by source and outcome", statistics,
						(s) -> s.publishes(source, outcome))
					.tags("source", source.tag(), "outcome", outcome.tag())
					.register(registry);
			}
			FunctionTimer
				.builder("realtime.publish.latency", statistics, (s) -> s.publishes(source, PublishOutcome.OK),
						(s) -> s.publishNanos(source), TimeUnit.NANOSECONDS)
				.description("Time the engine took to accept a publish")
				.tag("source", source.tag())
				.register(registry);
		}
		counter("realtime.tokens.minted", "Subscription tokens minted", statistics, RealtimeStatistics::minted)
			.register(registry);
		for (Rejection reason : Rejection.values()) {
			if (reason != Rejection.CAP) {
				counter("realtime.tokens.denied", "Token requests refused, by reason", statistics,
						(s) -> s.denied(reason))
					.tag("reason", reason.tag())
					.register(registry);
			}
		}
		for (TokenFailure reason : TokenFailure.values()) {
			counter("realtime.tokens.rejected",
					"Tokens and stream tickets presented to stream, publish or cancel that did not verify, by reason",
					statistics, (s) -> s.tokenFailures(reason))
				.tag("reason", reason.tag())
				.register(registry);
		}
		if (this.runs != null) {
			bindRuns(registry, statistics, this.runs);
		}
		if (this.fanOut.engine() instanceof RedisEngine redis) {
			bindRedis(registry, redis);
		}
	}

	private void bindRedis(MeterRegistry registry, RedisEngine redis) {
		RedisEngineStatistics statistics = redis.statistics();
		for (Command command : Command.values()) {
			FunctionTimer
				.builder("realtime.redis.commands", statistics, (s) -> s.commands(command),
						(s) -> s.commandNanos(command), TimeUnit.NANOSECONDS)
				.description("Round trips of the commands Redis answered")
				.tag("command", command.tag())
				.register(registry);
		}
		Gauge.builder("realtime.redis.subscriptions", redis, RedisEngine::channelCount)
			.description("Channels this node listens to in Redis pub/sub")
			.register(registry);
		counter("realtime.redis.resubscriptions",
				"Channel subscriptions Redis confirmed again after the pub/sub connection was re-established",
				statistics, RedisEngineStatistics::resubscriptions)
			.register(registry);
		counter("realtime.redis.pubsub.lost",
				"Times the pub/sub connection ended, ending every channel's subscribers on this node", statistics,
				RedisEngineStatistics::pubSubLost)
			.register(registry);
		counter("realtime.redis.gaps", "Messages whose id showed that this node had missed some of a channel",
				statistics, RedisEngineStatistics::gaps)
			.register(registry);
		for (CatchUp result : CatchUp.values()) {
			counter("realtime.redis.catchups", "Reads of the messages a channel missed, by result", statistics,
					(s) -> s.catchUps(result))
				.tag("result", result.tag())
				.register(registry);
		}
	}

	private void bindRuns(MeterRegistry registry, RealtimeStatistics statistics, DefaultRealtimeRuns runs) {
		for (RunEvent event : RunEvent.values()) {
			counter("realtime.runs", "Events of runs executing on this node", statistics, (s) -> s.runs(event))
				.tag("event", event.tag())
				.register(registry);
		}
		Gauge.builder("realtime.runs.active", runs, DefaultRealtimeRuns::activeCount)
			.description("Runs executing on this node now")
			.register(registry);
		Gauge.builder("realtime.runs.reply.waits", statistics, RealtimeStatistics::replyWaits)
			.description("Runs waiting for a reply from a browser now")
			.register(registry);
	}

	private static <T> FunctionCounter.Builder<T> counter(String name, String description, T source,
			ToLongFunction<T> count) {
		return FunctionCounter.builder(name, source, (s) -> count.applyAsLong(s)).description(description);
	}

}
