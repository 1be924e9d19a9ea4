package dev.realtime.engine.redis;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

import dev.realtime.MessageKind;
import dev.realtime.StreamTooLargeException;
import dev.realtime.engine.ChannelListener;
import dev.realtime.engine.EngineHealth;
import dev.realtime.engine.EngineMessage;
import dev.realtime.engine.History;
import dev.realtime.engine.MessageId;
import dev.realtime.engine.PublishRequest;
import dev.realtime.engine.RealtimeEngine;
import dev.realtime.engine.Replay;
import dev.realtime.engine.StreamTexts;
import dev.realtime.engine.SubscriptionLostException;
import dev.realtime.engine.redis.RedisEngineStatistics.Command;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SynchronousSink;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.log.LogMessage;
import org.springframework.data.redis.connection.ReactiveRedisConnection;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.connection.ReactiveSubscription;
import org.springframework.data.redis.connection.SubscriptionListener;
import org.springframework.data.redis.core.ReactiveRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.data.redis.serializer.RedisSerializationContext;
import org.springframework.data.redis.serializer.RedisSerializer;
import org.springframework.util.Assert;

/**
 * A {@link RealtimeEngine} for many nodes sharing the application's Redis through Spring
 * Data Redis reactive.
 * <p>
 * Each channel has a few keys under the configured prefix, all with the channel name as
 * hash tag so that they share a cluster slot: {@code <prefix>{<channel>}:meta} (epoch,
 * last offset, eviction floor) and {@code <prefix>{<channel>}:history} (a stream of the
 * retained messages). Publishing runs one Lua script that takes the next offset, appends
 * retained messages to the stream trimmed to the history size, refreshes the history ttl
 * of both keys and publishes the message on the pub/sub channel
 * {@code <prefix>{<channel>}:live}, so history and live messages share their ids and
 * their order. A channel whose keys Redis lost (expiry, restart without persistence) gets
 * a new random epoch on its next message, so a resume across the loss reports
 * {@code recovered: false}.
 * <p>
 * A node listens to a channel's pub/sub only while it has listeners for it, and decodes
 * each message once for all of them. When its pub/sub connection drops, the listeners
 * stay; when Redis confirms the subscription again, the node reads what it missed from
 * the history and delivers it before going on, or ends the channel's listeners with
 * {@link SubscriptionLostException} when it is gone, so that their subscribers resume and
 * learn {@code recovered: false}. Messages that are not retained are live only and are
 * not recovered.
 * <p>
 * Publishing fails with the Redis client's error when Redis is unreachable; configure the
 * client to reject commands while disconnected rather than queueing them, and to
 * reconnect after short delays, as the auto-configuration does for the engine's own
 * connection factory.
 *
 * @author Realtime team
 * @since 0.1.0
 */
public final class RedisEngine implements RealtimeEngine, DisposableBean {

	static final String META = "meta";

	private static final String TYPE = "redis";

	static final String RANGE = "range";

	private static final Log logger = LogFactory.getLog(RedisEngine.class);

	@SuppressWarnings("rawtypes")
	private static final RedisScript<List> PUBLISH = RedisScript
		.of(new ClassPathResource("publish.lua", RedisEngine.class), List.class);

	@SuppressWarnings("rawtypes")
	private static final RedisScript<List> HISTORY = RedisScript
		.of(new ClassPathResource("history.lua", RedisEngine.class), List.class);

	private static final byte[] ONE = bytes("1");

	private static final byte[] ZERO = bytes("0");

	private static final byte[] EMPTY = new byte[0];

	private static final byte[] APPEND = bytes("append");

	private static final byte[] RESET = bytes("reset");

	private final ReactiveRedisConnectionFactory connectionFactory;

	private final ReactiveRedisTemplate<String, byte[]> redis;

	private final String keyPrefix;

	private final int historySize;

	private final byte[] historySizeArgument;

	private final byte[] historyTtlMillis;

	private final byte[] historyTtlMicros;

	private final int catchUpBuffer;

	private final Duration timeout;

	private final long streamMaxSize;

	private final byte[] streamMaxSizeArgument;

	private final byte[] streamTtlMillis;

	/** Channels this node listens to, by pub/sub channel. */
	private final ConcurrentHashMap<String, LiveChannel> channels = new ConcurrentHashMap<>();

	private final RedisEngineStatistics statistics = new RedisEngineStatistics();

	private final AtomicReference<@Nullable Mono<PubSub>> pubSub = new AtomicReference<>();

	private final SubscriptionListener subscriptionListener = new SubscriptionListener() {

		@Override
		public void onChannelSubscribed(byte[] channel, long count) {
			resubscribed(new String(channel, StandardCharsets.UTF_8));
		}

	};

	private volatile boolean destroyed;

	/**
	 * Create a new engine.
	 * @param connectionFactory the connection factory of the shared Redis
	 * @param keyPrefix the prefix of every key and pub/sub channel, so that several
	 * applications can share a Redis
	 * @param historySize how many messages each channel keeps, 0 for none
	 * @param historyTtl how long a message stays in history
	 * @param catchUpBuffer how many messages of a channel may arrive while the node reads
	 * what it missed before its listeners end with {@link SubscriptionLostException}
	 * @param timeout how long a Redis command may take, and listening to a channel may
	 * take to begin
	 */
	public RedisEngine(ReactiveRedisConnectionFactory connectionFactory, String keyPrefix, int historySize,
			Duration historyTtl, int catchUpBuffer, Duration timeout) {
		this(connectionFactory, keyPrefix, historySize, historyTtl, catchUpBuffer, timeout,
				StreamTexts.DEFAULT_MAX_SIZE, StreamTexts.DEFAULT_TTL);
	}

	/**
	 * Create a new engine.
	 * @param connectionFactory the connection factory of the shared Redis
	 * @param keyPrefix the prefix of every key and pub/sub channel, so that several
	 * applications can share a Redis
	 * @param historySize how many messages each channel keeps, 0 for none
	 * @param historyTtl how long a message stays in history
	 * @param catchUpBuffer how many messages of a channel may arrive while the node reads
	 * what it missed before its listeners end with {@link SubscriptionLostException}
	 * @param timeout how long a Redis command may take, and listening to a channel may
	 * take to begin
	 * @param streamMaxSize the most bytes of JSON-encoded chunks the text of a stream
	 * topic may have
	 * @param streamTtl how long the text of a stream topic is kept after its last chunk
	 */
	public RedisEngine(ReactiveRedisConnectionFactory connectionFactory, String keyPrefix, int historySize,
			Duration historyTtl, int catchUpBuffer, Duration timeout, long streamMaxSize, Duration streamTtl) {
		Assert.isTrue(streamMaxSize > 0, "'streamMaxSize' must be positive");
		Assert.isTrue(streamTtl.toMillis() > 0, "'streamTtl' must be positive");
		this.streamMaxSize = streamMaxSize;
		this.streamMaxSizeArgument = bytes(Long.toString(streamMaxSize));
		this.streamTtlMillis = bytes(Long.toString(streamTtl.toMillis()));
		Assert.notNull(connectionFactory, "'connectionFactory' must not be null");
		Assert.notNull(keyPrefix, "'keyPrefix' must not be null");
		Assert.isTrue(historySize >= 0, "'historySize' must not be negative");
		Assert.isTrue(historyTtl.toMillis() > 0, "'historyTtl' must be positive");
		Assert.isTrue(catchUpBuffer > 0, "'catchUpBuffer' must be positive");
		Assert.isTrue(!timeout.isNegative() && !timeout.isZero(), "'timeout' must be positive");
		this.connectionFactory = connectionFactory;
		this.redis = new ReactiveRedisTemplate<>(connectionFactory,
				RedisSerializationContext.<String, byte[]>newSerializationContext(RedisSerializer.string())
					.value(RedisSerializer.byteArray())
					.build());
		this.keyPrefix = keyPrefix;
		this.historySize = historySize;
		this.historySizeArgument = bytes(Integer.toString(historySize));
		this.historyTtlMillis = bytes(Long.toString(historyTtl.toMillis()));
		this.historyTtlMicros = bytes(Long.toString(historyTtl.toNanos() / 1000));
		this.catchUpBuffer = catchUpBuffer;
		this.timeout = timeout;
	}

	@Override
	public Mono<EngineMessage> publish(PublishRequest request) {
		Assert.notNull(request, "'request' must not be null");
		boolean retain = request.retain() && this.historySize > 0;
		String runId = request.runId();
		List<byte[]> arguments = List.of(bytes(MessageId.newEpoch()), retain ? ONE : ZERO, this.historySizeArgument,
				this.historyTtlMillis, bytes(liveKey(request.channel())), bytes(request.kind().wireName()),
				bytes(request.topic()), (runId != null) ? ONE : ZERO, (runId != null) ? bytes(runId) : EMPTY,
				request.data(), traceparent(request), EMPTY, streamMode(request), this.streamMaxSizeArgument,
				this.streamTtlMillis);
		return timed(Command.PUBLISH, this.redis.execute(PUBLISH, keys(request.channel()), arguments).next())
			.handle((result, sink) -> published(request, result, this.streamMaxSize, sink));
	}

	/**
	 * Return what the publish script does with the text of a stream topic.
	 * @param request the request
	 * @return {@code append}, {@code reset}, or empty for a message that is no chunk
	 */
	static byte[] streamMode(PublishRequest request) {
		if (!request.stream()) {
			return EMPTY;
		}
		return (request.kind() == MessageKind.SNAPSHOT) ? RESET : APPEND;
	}

	/**
	 * Complete a publish with the message, or with the error the publish script answered.
	 * @param request the request
	 * @param result the script's answer: {@code [offset, epoch, micros]} or
	 * {@code ["too_large", size]}
	 * @param streamMaxSize the most bytes the text of a stream topic may have
	 * @param sink where the message or the error goes
	 */
	static void published(PublishRequest request, List<?> result, long streamMaxSize,
			SynchronousSink<EngineMessage> sink) {
		String first = string(result.get(0));
		if (first.equals("too_large")) {
			sink.error(new StreamTooLargeException(request.channel(), request.topic(),
					Long.parseLong(string(result.get(1))), streamMaxSize));
			return;
		}
		sink.next(EngineMessage.of(new MessageId(Long.parseLong(first), string(result.get(1))),
				Frames.micros(string(result.get(2))), request));
	}

	@Override
	public Disposable listen(String channel, ChannelListener listener) {
		Assert.hasText(channel, "'channel' must not be empty");
		Assert.notNull(listener, "'listener' must not be null");
		if (this.destroyed) {
			listener.ended(null);
			return Disposables.disposed();
		}
		String key = liveKey(channel);
		LiveChannel live = this.channels.computeIfAbsent(key,
				(name) -> new LiveChannel(this, channel, key, this.catchUpBuffer));
		if (!live.add(listener)) {
			// the last listener just left: listen again once the channel is released
			Disposable.Swap listening = Disposables.swap();
			live.released().subscribe(null, null, () -> listening.update(listen(channel, listener)));
			return listening;
		}
		live.start();
		return () -> live.remove(listener);
	}

	@Override
	public Mono<History> history(String channel, Replay replay) {
		Assert.hasText(channel, "'channel' must not be empty");
		Assert.notNull(replay, "'replay' must not be null");
		if (replay.mode() == Replay.Mode.NONE) {
			return Mono.just(History.none());
		}
		return read(channel, replay)
			.map((snapshot) -> new History(snapshot.recovered(replay), withStreamTexts(snapshot.messages())));
	}

	private Mono<Snapshot> read(String channel, Replay replay) {
		MessageId lastId = (replay.lastId() != null) ? MessageId.parse(replay.lastId()) : null;
		return (lastId != null) ? read(channel, RANGE, lastId.offset(), lastId.epoch(), true)
				: read(channel, RANGE, 0, null, true);
	}

	// the history script answers a stream's text as its chunks joined by commas,
	// after the retained messages: one JSON string each, in id order
	private static List<EngineMessage> withStreamTexts(List<EngineMessage> messages) {
		if (messages.stream().noneMatch((message) -> message.kind() == MessageKind.SNAPSHOT)) {
			return messages;
		}
		List<EngineMessage> result = new ArrayList<>(messages.size());
		for (EngineMessage message : messages) {
			result.add((message.kind() != MessageKind.SNAPSHOT) ? message
					: new EngineMessage(message.id(), message.channel(), message.topic(),
							StreamTexts.snapshot(message.data()), message.createdAt(), null, MessageKind.SNAPSHOT,
							null));
		}
		result.sort(Comparator.comparingLong((message) -> message.id().offset()));
		return result;
	}

	/**
	 * Read the state of a channel and, in {@link #RANGE} mode, its retained messages
	 * after an offset, or all of them if the epoch does not match.
	 * @param channel the channel name
	 * @param mode {@link #META} or {@link #RANGE}
	 * @param after the offset to read after
	 * @param epoch the epoch of that offset
	 * @return the snapshot
	 */
	Mono<Snapshot> read(String channel, String mode, long after, @Nullable String epoch) {
		return read(channel, mode, after, epoch, false);
	}

	private Mono<Snapshot> read(String channel, String mode, long after, @Nullable String epoch, boolean snapshots) {
		List<byte[]> arguments = List.of(bytes(mode), this.historyTtlMicros, bytes(Long.toString(after)),
				(epoch != null) ? bytes(epoch) : EMPTY, snapshots ? ONE : ZERO);
		return timed(Command.HISTORY, this.redis.execute(HISTORY, keys(channel), arguments).next())
			.map((result) -> snapshot(channel, result))
			.timeout(this.timeout);
	}

	// counts the round trip of a command that Redis answered
	private <T> Mono<T> timed(Command command, Mono<T> execution) {
		return Mono.defer(() -> {
			long start = System.nanoTime();
			return execution.doOnNext((result) -> this.statistics.roundTrip(command, System.nanoTime() - start));
		});
	}

	private static Snapshot snapshot(String channel, List<?> result) {
		if (result.isEmpty()) {
			return Snapshot.EMPTY;
		}
		List<EngineMessage> messages = new ArrayList<>(result.size() - 3);
		for (int i = 3; i < result.size(); i++) {
			messages.add(Frames.decode(channel, ByteBuffer.wrap((byte[]) result.get(i))));
		}
		return new Snapshot(string(result.get(0)), Long.parseLong(string(result.get(1))),
				Long.parseLong(string(result.get(2))), messages);
	}

	/**
	 * Subscribe to a pub/sub channel in Redis.
	 * @param key the pub/sub channel
	 * @return completes when Redis confirmed the subscription
	 */
	Mono<Void> listen(String key) {
		return pubSub().flatMap((pubSub) -> pubSub.subscription().subscribe(buffer(key)));
	}

	/**
	 * Unsubscribe from a channel that has no listeners any more and forget it.
	 * @param channel the channel
	 * @return completes when done, successfully or not
	 */
	Mono<Void> release(LiveChannel channel) {
		Mono<PubSub> current = this.pubSub.get();
		Mono<Void> unsubscribe = (current != null && !this.destroyed)
				? current.flatMap((pubSub) -> pubSub.subscription().unsubscribe(buffer(channel.key())))
					.timeout(this.timeout)
				: Mono.empty();
		return unsubscribe.onErrorResume((ex) -> {
			// Redis forgets the subscription when the connection drops; if the client
			// subscribes again on reconnection, resubscribed(..) unsubscribes
			logger.debug(LogMessage.format("Could not unsubscribe from '%s'", channel.key()), ex);
			return Mono.empty();
		}).then(Mono.fromRunnable(() -> this.channels.remove(channel.key(), channel)));
	}

	Duration timeout() {
		return this.timeout;
	}

	private Mono<PubSub> pubSub() {
		Mono<PubSub> current = this.pubSub.get();
		if (current != null) {
			return current;
		}
		Mono<PubSub> created = Mono.defer(this::connectPubSub)
			.cache((pubSub) -> Duration.ofMillis(Long.MAX_VALUE), (ex) -> Duration.ZERO, () -> Duration.ZERO);
		return this.pubSub.compareAndSet(null, created) ? created : pubSub();
	}

	private Mono<PubSub> connectPubSub() {
		ReactiveRedisConnection connection = this.connectionFactory.getReactiveConnection();
		return connection.pubSubCommands()
			.createSubscription(this.subscriptionListener)
			.map((subscription) -> new PubSub(connection, subscription,
					subscription.receive().subscribe(this::received, this::pubSubEnded, () -> pubSubEnded(null))))
			.timeout(this.timeout)
			.doOnError((ex) -> connection.closeLater().subscribe(null, (closeEx) -> {
			}));
	}

	private void received(ReactiveSubscription.Message<ByteBuffer, ByteBuffer> message) {
		LiveChannel channel = this.channels.get(StandardCharsets.UTF_8.decode(message.getChannel()).toString());
		if (channel == null) {
			return;
		}
		EngineMessage decoded;
		try {
			decoded = Frames.decode(channel.name(), message.getMessage());
		}
		catch (RuntimeException ex) {
			logger.warn(LogMessage.format("Ignoring a malformed message on '%s'", channel.key()), ex);
			return;
		}
		channel.onMessage(decoded);
	}

	private void resubscribed(String key) {
		LiveChannel channel = this.channels.get(key);
		if (channel != null) {
			if (channel.onSubscriptionConfirmed()) {
				this.statistics.resubscribed();
			}
		}
		else if (!this.destroyed) {
			// restored by the client on reconnection, but nobody needs it any more
			Mono<PubSub> current = this.pubSub.get();
			if (current != null) {
				current.flatMap((pubSub) -> pubSub.subscription().unsubscribe(buffer(key)))
					.subscribe(null, (ex) -> logger.debug("Could not unsubscribe from '" + key + "'", ex));
			}
		}
	}

	private void pubSubEnded(@Nullable Throwable ex) {
		if (this.destroyed) {
			return;
		}
		logger.warn("The Redis pub/sub connection of the realtime engine ended", ex);
		this.statistics.pubSubEnded();
		Mono<PubSub> ended = this.pubSub.getAndSet(null);
		if (ended != null) {
			ended.subscribe(PubSub::close, (closeEx) -> {
			});
		}
		SubscriptionLostException lost = new SubscriptionLostException("The connection to Redis was lost", ex);
		for (LiveChannel channel : this.channels.values()) {
			channel.endAll(lost);
		}
	}

	/**
	 * Check that Redis answers a {@code PING} within the engine's timeout and that no
	 * channel of this node is stuck catching up on what it missed.
	 * @return the health, with the number of channels this node listens to and of those
	 * catching up
	 */
	@Override
	public Mono<EngineHealth> health() {
		return Mono.defer(() -> {
			long catchingUp = this.channels.values().stream().filter(LiveChannel::catchingUp).count();
			Map<String, Object> details = new LinkedHashMap<>();
			details.put("channels", this.channels.size());
			details.put("channelsCatchingUp", catchingUp);
			return timed(Command.PING, this.redis.execute((connection) -> connection.ping()).next())
				.timeout(this.timeout)
				.map((pong) -> (catchingUp == 0) ? EngineHealth.up(TYPE, details)
						: EngineHealth.down(TYPE, catchingUp + " channel(s) cannot read what they missed from Redis",
								details))
				.onErrorResume((ex) -> Mono
					.just(EngineHealth.down(TYPE, "Redis does not answer: " + ex.getMessage(), details)));
		});
	}

	/**
	 * Return what this engine counted for monitoring.
	 * @return the statistics
	 */
	public RedisEngineStatistics statistics() {
		return this.statistics;
	}

	/**
	 * Return how many channels this node listens to in Redis, for monitoring and tests.
	 * @return the number of channels with listeners
	 */
	public int channelCount() {
		return this.channels.size();
	}

	@Override
	public void destroy() {
		this.destroyed = true;
		for (LiveChannel channel : this.channels.values()) {
			channel.endAll(null);
		}
		Mono<PubSub> current = this.pubSub.getAndSet(null);
		if (current != null) {
			current.subscribe(PubSub::close, (ex) -> {
			});
		}
	}

	/**
	 * Return the {@code publish.lua} argument for a request's trace context.
	 * @param request the request
	 * @return its traceparent, or nothing
	 */
	static byte[] traceparent(PublishRequest request) {
		String traceparent = request.traceparent();
		return (traceparent != null) ? bytes(traceparent) : EMPTY;
	}

	private List<String> keys(String channel) {
		String tag = this.keyPrefix + "{" + channel + "}";
		return List.of(tag + ":meta", tag + ":history");
	}

	private String liveKey(String channel) {
		return this.keyPrefix + "{" + channel + "}:live";
	}

	private static ByteBuffer buffer(String value) {
		return ByteBuffer.wrap(bytes(value));
	}

	private static byte[] bytes(String value) {
		return value.getBytes(StandardCharsets.UTF_8);
	}

	private static String string(Object value) {
		return (value instanceof byte[] bytes) ? new String(bytes, StandardCharsets.UTF_8) : String.valueOf(value);
	}

	/**
	 * The node's pub/sub connection.
	 */
	private record PubSub(ReactiveRedisConnection connection, ReactiveSubscription subscription, Disposable receiving) {

		void close() {
			this.receiving.dispose();
			this.subscription.cancel()
				.onErrorComplete()
				.then(this.connection.closeLater())
				.subscribe(null, (ex) -> logger.debug("Could not close the Redis pub/sub connection", ex));
		}

	}

}
