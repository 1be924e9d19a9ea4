package dev.realtime.benchmarks;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpHeaderNames;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufMono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;

/**
 * Opens SSE and WebSocket subscriptions and publishes over HTTP, on a few event-loop
 * threads, to one port of 127.0.0.1 only.
 *
 * @author Realtime team
 * @since 0.1.0
 */
public final class LoadGenerator implements AutoCloseable {

	/** Subscriptions opening at the same time. */
	private static final int OPENING = 256;

	private static final Duration TIMEOUT = Duration.ofSeconds(60);

	private final LoopResources loops;

	private final ConnectionProvider publishConnections;

	private final LoopResources subscriberLoops;

	private final Bootstrap bootstrap;

	private final int maxConnections;

	/**
	 * Create a load generator.
	 * @param threads the event-loop threads
	 * @param maxConnections the most subscriptions it may hold open
	 */
	public LoadGenerator(int threads, int maxConnections) {
		this.loops = LoopResources.create("loadgen", threads, true);
		// native epoll when available, as Reactor Netty chooses it
		this.subscriberLoops = LoopResources.create("subscribers", threads, true);
		EventLoopGroup group = this.subscriberLoops.onClient(true);
		this.bootstrap = new Bootstrap().group(group)
			.channel(this.subscriberLoops.onChannelClass(SocketChannel.class, group))
			.option(ChannelOption.TCP_NODELAY, true)
			.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 30_000);
		this.publishConnections = ConnectionProvider.builder("publish").maxConnections(64).build();
		this.maxConnections = maxConnections;
	}

	/**
	 * Open subscriptions and wait until they are connected.
	 * @param count how many to open
	 * @param spec the subscription of each index
	 * @param deliveries where they record what they receive
	 * @return the open subscriptions
	 * @throws InterruptedException when interrupted while waiting
	 */
	public Subscriptions open(int count, IntFunction<SubscriptionSpec> spec, Deliveries deliveries)
			throws InterruptedException {
		if (count > this.maxConnections) {
			throw new IllegalArgumentException("At most " + this.maxConnections + " connections");
		}
		Semaphore opening = new Semaphore(OPENING);
		List<Opened> opened = new ArrayList<>(count);
		long deadline = System.nanoTime() + TIMEOUT.toNanos();
		for (int i = 0; i < count; i++) {
			if (!opening.tryAcquire(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
				break;
			}
			SubscriptionSpec subscription = spec.apply(i);
			RawSubscriber subscriber = new RawSubscriber(subscription, deliveries, new Once(opening::release));
			ChannelFuture connect = this.bootstrap.clone()
				.handler(subscriber)
				.connect(new InetSocketAddress("127.0.0.1", subscription.port()));
			connect.addListener((future) -> {
				if (!future.isSuccess()) {
					subscriber.ended();
				}
			});
			opened.add(new Opened(connect.channel(), subscriber));
		}
		opening.tryAcquire(OPENING, Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
		return new Subscriptions(opened);
	}

	/**
	 * Publish at a paced rate for a while, over HTTP POST.
	 * @param port the server's port
	 * @param rate publishes per second
	 * @param duration how long to publish
	 * @param path the path of each publish, by sequence number
	 * @return how many publishes the server accepted
	 */
	public long publish(int port, double rate, Duration duration, IntFunction<String> path) {
		HttpClient client = HttpClient.create(this.publishConnections)
			.runOn(this.loops)
			.host("127.0.0.1")
			.port(port)
			.headers((headers) -> headers.set(HttpHeaderNames.CONTENT_TYPE, "application/json"));
		Semaphore inFlight = new Semaphore(64);
		AtomicLong accepted = new AtomicLong();
		PacedDriver.pace(rate, duration, 200_000, (sequence) -> {
			if (!inFlight.tryAcquire()) {
				return false;
			}
			client.post()
				.uri(path.apply(sequence))
				.send(ByteBufMono.fromString(Mono.fromSupplier(Payloads::json)))
				.responseSingle((response, body) -> Mono.just(response.status().code()))
				.subscribe((status) -> {
					if (status < 300) {
						accepted.incrementAndGet();
					}
				}, (ex) -> inFlight.release(), inFlight::release);
			return true;
		});
		long drainUntil = System.nanoTime() + Duration.ofSeconds(5).toNanos();
		while (inFlight.availablePermits() < 64 && System.nanoTime() < drainUntil) {
			LockSupport.parkNanos(1_000_000);
		}
		return accepted.get();
	}

	/**
	 * Send a request and return the body of its response.
	 * @param port the server's port
	 * @param method {@code GET} or {@code POST}
	 * @param uri the path and query
	 * @param body the JSON body of a POST, or {@code null}
	 * @param timeout how long to wait
	 * @return the response body
	 */
	public String call(int port, String method, String uri, @Nullable String body, Duration timeout) {
		HttpClient client = HttpClient.create(this.publishConnections)
			.runOn(this.loops)
			.host("127.0.0.1")
			.port(port)
			.headers((headers) -> headers.set(HttpHeaderNames.CONTENT_TYPE, "application/json"))
			.responseTimeout(timeout);
		HttpClient.ResponseReceiver<?> request = method.equals("GET") ? client.get().uri(uri)
				: client.post().uri(uri).send(ByteBufMono.fromString(Mono.just((body != null) ? body : "")));
		CompletableFuture<String> response = request.responseSingle((status, content) -> {
			if (status.status().code() >= 300) {
				return content.asString()
					.defaultIfEmpty("")
					.flatMap((text) -> Mono.error(new IllegalStateException(
							method + " " + uri + " answered " + status.status().code() + " " + text)));
			}
			return content.asString(StandardCharsets.UTF_8).defaultIfEmpty("");
		}).toFuture();
		try {
			return response.get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException ex) {
			throw new IllegalStateException(method + " " + uri + " failed: " + ex.getCause(), ex.getCause());
		}
		catch (TimeoutException ex) {
			throw new IllegalStateException(method + " " + uri + " timed out", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted", ex);
		}
	}

	@Override
	public void close() {
		this.publishConnections.dispose();
		this.loops.dispose();
		this.subscriberLoops.dispose();
	}

	/**
	 * One subscription: SSE on a path, or a WebSocket on a path with an optional first
	 * frame.
	 *
	 * @param port the server's port
	 * @param path the path and query
	 * @param webSocket whether to open a WebSocket
	 * @param firstFrame the text frame a WebSocket sends first, or {@code null}
	 */
	public record SubscriptionSpec(int port, String path, boolean webSocket, @Nullable String firstFrame,
			@Nullable String authorization) {

		/**
		 * An SSE subscription.
		 * @param port the server's port
		 * @param path the path and query
		 * @param authorization the value of the {@code Authorization} header, or
		 * {@code null}
		 * @return the spec
		 */
		public static SubscriptionSpec sse(int port, String path, @Nullable String authorization) {
			return new SubscriptionSpec(port, path, false, null, authorization);
		}

		/**
		 * A WebSocket subscription.
		 * @param port the server's port
		 * @param path the path and query
		 * @param firstFrame the text frame to send first, or {@code null}
		 * @return the spec
		 */
		public static SubscriptionSpec webSocket(int port, String path, @Nullable String firstFrame) {
			return new SubscriptionSpec(port, path, true, firstFrame, null);
		}

	}

	/**
	 * Open subscriptions, closed together.
	 */
	public static final class Subscriptions implements AutoCloseable {

		private final List<Opened> subscriptions;

		Subscriptions(List<Opened> subscriptions) {
			this.subscriptions = subscriptions;
		}

		/**
		 * Return how many were opened.
		 * @return the number of subscriptions
		 */
		public int size() {
			return this.subscriptions.size();
		}

		@Override
		public void close() {
			for (Opened subscription : this.subscriptions) {
				subscription.subscriber().closing();
				subscription.channel().close();
			}
		}

	}

	/**
	 * An open connection and its handler.
	 */
	private record Opened(Channel channel, RawSubscriber subscriber) {
	}

	/**
	 * Runs a task the first time only.
	 */
	private static final class Once implements Runnable {

		private final Runnable task;

		private final AtomicBoolean done = new AtomicBoolean();

		Once(Runnable task) {
			this.task = task;
		}

		@Override
		public void run() {
			if (this.done.compareAndSet(false, true)) {
				this.task.run();
			}
		}

	}

}
