package dev.realtime.benchmarks;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.realtime.benchmarks.LoadGenerator.SubscriptionSpec;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

/**
 * How to subscribe and publish to one of the compared systems: the starter (tokens from
 * {@code POST /realtime/token}) on WebFlux or on Spring MVC, the hand-written WebFlux
 * baseline, the hand-written Spring MVC baseline with {@code SseEmitter}s (SSE only),
 * Nchan, and for S4 the floor of WebFlux.
 *
 * @author Realtime team
 * @since 0.1.0
 */
public final class SystemUnderTest implements AutoCloseable {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final String name;

	private final Kind kind;

	private final List<ServerProcess> nodes;

	private final Map<String, String> tokens = new ConcurrentHashMap<>();

	/**
	 * Create a system.
	 * @param name its name in the report
	 * @param kind what it is
	 * @param nodes its servers; subscriptions spread over them, publishes go to the first
	 */
	public SystemUnderTest(String name, Kind kind, List<ServerProcess> nodes) {
		this.name = name;
		this.kind = kind;
		this.nodes = nodes;
	}

	/**
	 * Return the name.
	 * @return the name
	 */
	public String name() {
		return this.name;
	}

	/**
	 * Return the kind.
	 * @return the kind
	 */
	public Kind kind() {
		return this.kind;
	}

	/**
	 * Return the first server.
	 * @return the server that takes publishes
	 */
	public ServerProcess node() {
		return this.nodes.get(0);
	}

	/**
	 * Return the servers.
	 * @return the servers
	 */
	public List<ServerProcess> nodes() {
		return this.nodes;
	}

	/**
	 * Whether the system can publish inside its own process.
	 * @return {@code true} for the Java servers
	 */
	public boolean drives() {
		return this.kind != Kind.NCHAN;
	}

	/**
	 * Whether the system reports its heap.
	 * @return {@code true} for the Java servers
	 */
	public boolean hasHeap() {
		return this.kind != Kind.NCHAN;
	}

	/**
	 * Whether the system serves WebSocket subscriptions.
	 * @return {@code false} for the floor and the {@code SseEmitter} baseline, which
	 * serve SSE only
	 */
	public boolean webSocket() {
		return this.kind != Kind.FLOOR && this.kind != Kind.EMITTER;
	}

	/**
	 * Return the subscription to a channel.
	 * @param load the load generator, to fetch tokens with
	 * @param channel the channel id
	 * @param webSocket whether to subscribe over WebSocket
	 * @param queryToken whether the starter's SSE token goes in the {@code token} query
	 * parameter, as {@code EventSource} must send it, instead of the header
	 * @param index the number of the subscription, which picks the server
	 * @return the subscription
	 * @throws IllegalArgumentException when asked for a WebSocket the system does not
	 * serve
	 */
	public SubscriptionSpec subscription(LoadGenerator load, String channel, boolean webSocket, boolean queryToken,
			int index) {
		if (webSocket && !webSocket()) {
			throw new IllegalArgumentException(this.name + " serves no WebSocket");
		}
		int port = this.nodes.get(index % this.nodes.size()).port();
		return switch (this.kind) {
			case STARTER -> {
				String token = this.tokens.computeIfAbsent(channel, (id) -> token(load, id));
				if (webSocket) {
					yield SubscriptionSpec.webSocket(port, "/realtime/ws",
							"{\"type\":\"subscribe\",\"token\":\"" + token + "\",\"history\":\"none\"}");
				}
				// by default the token in the header, as the bundled client sends it
				yield queryToken ? SubscriptionSpec.sse(port, "/realtime/sse?history=none&token=" + token, null)
						: SubscriptionSpec.sse(port, "/realtime/sse?history=none", "Bearer " + token);
			}
			case BASELINE -> webSocket ? SubscriptionSpec.webSocket(port, "/ws/" + channel, null)
					: SubscriptionSpec.sse(port, "/sse/" + channel, null);
			// the WebFlux baseline's SSE path
			case EMITTER -> SubscriptionSpec.sse(port, "/sse/" + channel, null);
			case NCHAN -> webSocket ? SubscriptionSpec.webSocket(port, "/sub/" + channel, null)
					: SubscriptionSpec.sse(port, "/sub/" + channel, null);
			// the starter's request, with a token of the same length
			case FLOOR -> SubscriptionSpec.sse(port, "/realtime/sse?history=none", "Bearer " + "t".repeat(267));
		};
	}

	private String token(LoadGenerator load, String channel) {
		String response = load.call(node().port(), "POST", "/realtime/token", "{\"channel\":\"bench:" + channel + "\"}",
				Duration.ofSeconds(10));
		return JSON.readTree(response).get("token").asString();
	}

	/**
	 * Return the path of an HTTP publish to a channel.
	 * @param channel the channel id
	 * @param history whether the starter publishes to its topic with history
	 * ({@code tick}) or to the one without ({@code token}); the others have one kind
	 * @return the path
	 */
	public String publishPath(String channel, boolean history) {
		return switch (this.kind) {
			case NCHAN -> "/pub/" + channel;
			case STARTER ->
				history ? "/bench/publish?id=" + channel : "/bench/publish?id=" + channel + "&history=false";
			default -> "/bench/publish?id=" + channel;
		};
	}

	/**
	 * Return the heap the first server uses after a full collection.
	 * @param load the load generator
	 * @return the bytes in use
	 */
	public long heap(LoadGenerator load) {
		String response = load.call(node().port(), "GET", "/bench/heap", null, Duration.ofSeconds(30));
		return JSON.readTree(response).get("heap").asLong();
	}

	/**
	 * Return the heap the Java servers' threads allocated so far.
	 * @param load the load generator
	 * @return bytes, summed over the nodes ({@code GET /bench/allocated}); -1 for Nchan
	 */
	public long allocatedBytes(LoadGenerator load) {
		if (!hasHeap()) {
			return -1;
		}
		long sum = 0;
		for (ServerProcess node : this.nodes) {
			String response = load.call(node.port(), "GET", "/bench/allocated", null, Duration.ofSeconds(10));
			sum += JSON.readTree(response).get("allocated").asLong();
		}
		return sum;
	}

	/**
	 * Return the stop-the-world pauses of the Java servers that ended in a window, read
	 * from their GC logs.
	 * @param fromMillis the start, epoch milliseconds
	 * @param toMillis the end, epoch milliseconds
	 * @return the pauses of every node together, {@code null} when no node has a GC log
	 */
	public GcLog.@Nullable Pauses gcPauses(long fromMillis, long toMillis) {
		List<GcLog.Pause> pauses = new ArrayList<>();
		boolean logged = false;
		for (ServerProcess node : this.nodes) {
			Path log = node.gcLog();
			if (log != null) {
				logged = true;
				pauses.addAll(GcLog.read(log));
			}
		}
		return logged ? GcLog.between(pauses, fromMillis, toMillis) : null;
	}

	/**
	 * Publish inside the first server.
	 * @param load the load generator
	 * @param prefix the prefix of the channel ids
	 * @param channels how many channels, numbered from 0
	 * @param rate publishes per second
	 * @param duration how long
	 * @return how many messages were published
	 */
	public long drive(LoadGenerator load, String prefix, int channels, double rate, Duration duration,
			boolean history) {
		String response = load.call(
				node().port(), "POST", "/bench/drive?prefix=" + prefix + "&channels=" + channels + "&rate=" + rate
						+ "&seconds=" + (duration.toMillis() / 1000.0) + "&history=" + history,
				null, duration.plusSeconds(30));
		return JSON.readTree(response).get("published").asLong();
	}

	/**
	 * Stream texts in the starter's process: a run per channel streams tokens at a rate
	 * into the channel's stream topic.
	 * @param load the load generator, which sends the request
	 * @param prefix the prefix of the channels' ids
	 * @param channels how many channels
	 * @param rate the tokens per second of each channel
	 * @param duration how long
	 * @return the tokens published
	 */
	public long stream(LoadGenerator load, String prefix, int channels, double rate, Duration duration) {
		String response = load.call(node().port(), "POST", "/bench/stream?prefix=" + prefix + "&channels=" + channels
				+ "&rate=" + rate + "&seconds=" + (duration.toMillis() / 1000.0), null, duration.plusSeconds(30));
		return JSON.readTree(response).get("published").asLong();
	}

	/**
	 * Return the CPU time of the system's processes.
	 * @return seconds of CPU
	 */
	public double cpuSeconds() {
		return this.nodes.stream().mapToDouble(ServerProcess::cpuSeconds).sum();
	}

	/**
	 * Return the resident memory of the system's processes.
	 * @return bytes
	 */
	public long rssBytes() {
		return this.nodes.stream().mapToLong(ServerProcess::rssBytes).sum();
	}

	@Override
	public void close() {
		this.nodes.forEach(ServerProcess::close);
	}

	/**
	 * Starts a system by name, for a run of its own.
	 */
	@FunctionalInterface
	public interface Launcher {

		/**
		 * Start a system and wait until it listens.
		 * @param name the system, such as {@code starter}
		 * @return the started system, stopped by {@link SystemUnderTest#close()}
		 * @throws IOException when it cannot be started
		 */
		SystemUnderTest start(String name) throws IOException;

	}

	/**
	 * The compared systems.
	 */
	public enum Kind {

		/**
		 * This starter, on WebFlux or on Spring MVC.
		 */
		STARTER,

		/**
		 * Hand-written Spring WebFlux.
		 */
		BASELINE,

		/**
		 * Hand-written Spring MVC, an {@code SseEmitter} per subscriber: SSE only.
		 */
		EMITTER,

		/**
		 * Nchan on nginx.
		 */
		NCHAN,

		/**
		 * WebFlux holding SSE responses open with nothing behind them: S4 only.
		 */
		FLOOR

	}

}
