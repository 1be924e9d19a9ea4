package dev.realtime.actuate;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.realtime.delivery.LocalFanOut;
import dev.realtime.metrics.RealtimeStatistics;
import dev.realtime.metrics.RealtimeStatistics.Transport;
import dev.realtime.run.DefaultRealtimeRuns;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.util.Assert;

/**
 * The {@code realtime} Actuator endpoint of a node: its engine, connections,
 * subscriptions, busiest channels and active runs, and an operation that closes one
 * channel's subscriptions on this node (as after revoking access to it). Channel names
 * are shown only when asked for, since they may name users or documents.
 *
 * @author Realtime team
 * @since 0.1.0
 */
@Endpoint(id = "realtime")
public class RealtimeEndpoint {

	private final LocalFanOut fanOut;

	private final @Nullable DefaultRealtimeRuns runs;

	private final int busiestChannels;

	private final boolean showChannels;

	/**
	 * Create an instance.
	 * @param fanOut the node's fan-out, with its engine and statistics
	 * @param runs the runs of this node, if runs are enabled
	 * @param busiestChannels how many of the busiest channels to describe
	 * @param showChannels whether to show the names of channels
	 */
	public RealtimeEndpoint(LocalFanOut fanOut, @Nullable DefaultRealtimeRuns runs, int busiestChannels,
			boolean showChannels) {
		Assert.notNull(fanOut, "'fanOut' must not be null");
		Assert.isTrue(busiestChannels >= 0, "'busiestChannels' must not be negative");
		this.fanOut = fanOut;
		this.runs = runs;
		this.busiestChannels = busiestChannels;
		this.showChannels = showChannels;
	}

	/**
	 * Describe this node.
	 * @return the description
	 */
	@ReadOperation
	public Mono<RealtimeDescriptor> describe() {
		RealtimeStatistics statistics = this.fanOut.statistics();
		Map<String, Long> connections = new LinkedHashMap<>();
		for (Transport transport : Transport.values()) {
			connections.put(transport.tag(), statistics.connections(transport));
		}
		List<ChannelDescriptor> busiest = this.fanOut.busiestChannels(this.busiestChannels)
			.stream()
			.map((channel) -> new ChannelDescriptor(this.showChannels ? channel.channel() : null,
					channel.subscribers()))
			.toList();
		Integer activeRuns = (this.runs != null) ? this.runs.activeCount() : null;
		return this.fanOut.engine()
			.health()
			.map((health) -> new RealtimeDescriptor(health.type(), health.up(), connections, statistics.subscriptions(),
					this.fanOut.channelCount(), busiest, activeRuns));
	}

	/**
	 * Close every subscription of a channel on this node: SSE streams end with a
	 * {@code forbidden} error and WebSocket connections with {@code 4403}, after which
	 * the browser client does not reconnect.
	 * @param channel the channel name
	 * @return how many subscriptions were closed
	 */
	@DeleteOperation
	public ClosedChannel close(@Selector String channel) {
		return new ClosedChannel(channel, this.fanOut.close(channel));
	}

	/**
	 * What the endpoint shows of a node.
	 *
	 * @param engine the type of the engine
	 * @param engineUp whether the engine can publish and deliver now
	 * @param connections the connections open now, by transport
	 * @param subscriptions the subscriptions open now
	 * @param channels the channels with subscribers on this node
	 * @param busiestChannels the channels with the most subscribers
	 * @param activeRuns the runs executing on this node, {@code null} without runs
	 */
	public record RealtimeDescriptor(String engine, boolean engineUp, Map<String, Long> connections, long subscriptions,
			int channels, List<ChannelDescriptor> busiestChannels, @Nullable Integer activeRuns) {
	}

	/**
	 * One of the busiest channels.
	 *
	 * @param channel its name, {@code null} unless names are shown
	 * @param subscribers its subscribers on this node
	 */
	public record ChannelDescriptor(@Nullable String channel, int subscribers) {
	}

	/**
	 * The result of closing a channel.
	 *
	 * @param channel the channel name
	 * @param closedSubscriptions how many subscriptions were closed on this node
	 */
	public record ClosedChannel(String channel, int closedSubscriptions) {
	}

}
