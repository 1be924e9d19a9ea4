package dev.realtime.engine.redis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import dev.realtime.engine.EngineMessage;
import dev.realtime.engine.LeaseLostException;
import dev.realtime.engine.LeaseToken;
import dev.realtime.engine.MessageId;
import dev.realtime.engine.PublishRequest;
import dev.realtime.engine.RunLease;
import dev.realtime.engine.RunLeases;
import dev.realtime.engine.StreamTexts;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.io.ClassPathResource;
import org.springframework.data.domain.Range;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.core.ReactiveRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.data.redis.serializer.RedisSerializationContext;
import org.springframework.data.redis.serializer.RedisSerializer;
import org.springframework.util.Assert;
import org.springframework.util.StreamUtils;

/**
 * {@link RunLeases} in Redis, next to the channels of the {@link RedisEngine} with the
 * same key prefix.
 * <p>
 * A run's lease is a hash {@code <prefix>{<channel>}:run:<runId>} (in the slot of its
 * channel) holding the claim, the owner node, the attempt, the expiry (Redis time), the
 * definition and the input. A sorted set {@code <prefix>runs:leases} indexes the leases
 * by expiry, so that takeover reads only expired ones; each is then claimed by one Lua
 * script that checks the expiry and sets the new claim and attempt atomically, so that
 * exactly one node wins it. A fenced publish is the engine's publish script preceded by
 * the claim check, one atomic script. Cancel requests are published on
 * {@code <prefix>runs:cancel}.
 *
 * @author Realtime team
 * @since 0.1.0
 */
public final class RedisRunLeases implements RunLeases {

	private static final RedisScript<Long> ACQUIRE = script("lease-acquire.lua", Long.class);

	private static final RedisScript<Long> RENEW = script("lease-renew.lua", Long.class);

	private static final RedisScript<Long> RELEASE = script("lease-release.lua", Long.class);

	private static final RedisScript<Long> CANCEL = script("lease-cancel.lua", Long.class);

	@SuppressWarnings("rawtypes")
	private static final RedisScript<List> CLAIM = script("lease-claim.lua", List.class);

	@SuppressWarnings("rawtypes")
	private static final RedisScript<List> FENCED_PUBLISH = RedisScript
		.of(text("lease-fence.lua") + "\n" + text("publish.lua"), List.class);

	/**
	 * How long the hash of a run that is never released (every node died) is kept.
	 */
	private static final Duration UNRELEASED_RETENTION = Duration.ofDays(1);

	private static final byte[] ONE = bytes("1");

	private static final byte[] ZERO = bytes("0");

	private static final byte[] EMPTY = new byte[0];

	private final ReactiveRedisTemplate<String, byte[]> redis;

	private final String keyPrefix;

	private final String index;

	private final String cancelChannel;

	private final int historySize;

	private final byte[] historySizeArgument;

	private final byte[] historyTtlMillis;

	private final long streamMaxSize;

	private final byte[] streamMaxSizeArgument;

	private final byte[] streamTtlMillis;

	/**
	 * Create a new instance, with the settings of the engine it publishes through.
	 * @param connectionFactory the connection factory of the application's Redis
	 * @param keyPrefix the key prefix of the engine
	 * @param historySize how many messages each channel keeps, as the engine
	 * @param historyTtl how long a message stays in history, as the engine
	 */
	public RedisRunLeases(ReactiveRedisConnectionFactory connectionFactory, String keyPrefix, int historySize,
			Duration historyTtl) {
		this(connectionFactory, keyPrefix, historySize, historyTtl, StreamTexts.DEFAULT_MAX_SIZE,
				StreamTexts.DEFAULT_TTL);
	}

	/**
	 * Create a new instance, with the settings of the engine it publishes through.
	 * @param connectionFactory the connection factory of the application's Redis
	 * @param keyPrefix the key prefix of the engine
	 * @param historySize how many messages each channel keeps, as the engine
	 * @param historyTtl how long a message stays in history, as the engine
	 * @param streamMaxSize the most bytes the text of a stream topic may have, as the
	 * engine
	 * @param streamTtl how long the text of a stream topic is kept, as the engine
	 */
	public RedisRunLeases(ReactiveRedisConnectionFactory connectionFactory, String keyPrefix, int historySize,
			Duration historyTtl, long streamMaxSize, Duration streamTtl) {
		this.streamMaxSize = streamMaxSize;
		this.streamMaxSizeArgument = bytes(Long.toString(streamMaxSize));
		this.streamTtlMillis = bytes(Long.toString(streamTtl.toMillis()));
		Assert.notNull(connectionFactory, "'connectionFactory' must not be null");
		Assert.notNull(keyPrefix, "'keyPrefix' must not be null");
		this.redis = new ReactiveRedisTemplate<>(connectionFactory,
				RedisSerializationContext.<String, byte[]>newSerializationContext(RedisSerializer.string())
					.value(RedisSerializer.byteArray())
					.build());
		this.keyPrefix = keyPrefix;
		this.index = keyPrefix + "runs:leases";
		this.cancelChannel = keyPrefix + "runs:cancel";
		this.historySize = historySize;
		this.historySizeArgument = bytes(Integer.toString(historySize));
		this.historyTtlMillis = bytes(Long.toString(historyTtl.toMillis()));
	}

	@Override
	public Mono<Boolean> acquire(RunLease lease, Duration ttl) {
		LeaseToken token = lease.token();
		byte[] input = lease.input();
		String definition = lease.definition();
		List<byte[]> arguments = List.of(bytes(token.claim()), bytes(lease.owner()),
				bytes(Integer.toString(lease.attempt())), millis(ttl), bytes(token.channel()), bytes(token.runId()),
				(definition != null) ? bytes(definition) : EMPTY, (input != null) ? input : EMPTY,
				bytes(Integer.toString(lease.maxAttempts())), bytes(Long.toString(lease.startedAt().toEpochMilli())),
				millis(UNRELEASED_RETENTION));
		return this.redis.execute(ACQUIRE, keys(token), arguments).next().map((result) -> result == 1);
	}

	@Override
	public Mono<Renewal> renew(LeaseToken token, int attempt, Duration ttl) {
		return renew(token, attempt, ttl.toMillis()).map((result) -> switch (result.intValue()) {
			case 1 -> Renewal.HELD;
			case 2 -> Renewal.CANCEL_REQUESTED;
			default -> Renewal.LOST;
		});
	}

	@Override
	public Mono<Boolean> holds(LeaseToken token) {
		return renew(token, 0, 0).map((result) -> result != 0);
	}

	private Mono<Long> renew(LeaseToken token, int attempt, long ttlMillis) {
		List<byte[]> arguments = List.of(bytes(token.claim()), bytes(Integer.toString(attempt)),
				bytes(Long.toString(ttlMillis)), millis(UNRELEASED_RETENTION));
		return this.redis.execute(RENEW, keys(token), arguments).next();
	}

	@Override
	public Mono<EngineMessage> publish(LeaseToken token, PublishRequest request) {
		Assert.isTrue(token.channel().equals(request.channel()), "A run publishes on its channel");
		boolean retain = request.retain() && this.historySize > 0;
		String runId = request.runId();
		String tag = this.keyPrefix + "{" + request.channel() + "}";
		List<byte[]> arguments = List.of(bytes(MessageId.newEpoch()), retain ? ONE : ZERO, this.historySizeArgument,
				this.historyTtlMillis, bytes(tag + ":live"), bytes(request.kind().wireName()), bytes(request.topic()),
				(runId != null) ? ONE : ZERO, (runId != null) ? bytes(runId) : EMPTY, request.data(),
				RedisEngine.traceparent(request), bytes(token.claim()), RedisEngine.streamMode(request),
				this.streamMaxSizeArgument, this.streamTtlMillis);
		return this.redis.execute(FENCED_PUBLISH, List.of(tag + ":meta", tag + ":history", leaseKey(token)), arguments)
			.next()
			.handle((result, sink) -> {
				if (result.size() == 1) {
					sink.error(new LeaseLostException(token));
					return;
				}
				RedisEngine.published(request, result, this.streamMaxSize, sink);
			});
	}

	@Override
	public Mono<Boolean> release(LeaseToken token, Duration retention) {
		return this.redis.execute(RELEASE, keys(token), List.of(bytes(token.claim()), millis(retention)))
			.next()
			.map((result) -> result == 1);
	}

	@Override
	public Flux<RunLease> takeOver(String owner, Set<String> definitions, Duration ttl) {
		Range<Double> expired = Range.closed(Double.NEGATIVE_INFINITY, (double) System.currentTimeMillis());
		return this.redis.opsForZSet()
			.rangeByScore(this.index, expired)
			.take(1000)
			.concatMap((key) -> claim(new String(key, StandardCharsets.UTF_8), owner, definitions, ttl));
	}

	private Flux<RunLease> claim(String key, String owner, Set<String> definitions, Duration ttl) {
		String claim = UUID.randomUUID().toString();
		List<byte[]> arguments = new ArrayList<>();
		arguments.add(bytes(owner));
		arguments.add(bytes(claim));
		arguments.add(millis(ttl));
		arguments.add(millis(UNRELEASED_RETENTION));
		definitions.forEach((definition) -> arguments.add(bytes(definition)));
		return this.redis.execute(CLAIM, List.of(key, this.index), arguments)
			.filter((fields) -> !fields.isEmpty())
			.map((fields) -> lease(fields, claim));
	}

	private static RunLease lease(List<?> fields, String claim) {
		String definition = optional(fields.get(2));
		byte[] input = (fields.get(3) instanceof byte[] bytes && bytes.length > 0) ? bytes : null;
		return new RunLease(new LeaseToken(string(fields.get(0)), string(fields.get(1)), claim), definition,
				(definition != null) ? input : null, Integer.parseInt(string(fields.get(4))),
				Integer.parseInt(string(fields.get(5))), string(fields.get(6)),
				Instant.ofEpochMilli(Long.parseLong(string(fields.get(7)))), "1".equals(optional(fields.get(8))));
	}

	@Override
	public Mono<CancelResult> cancel(String channel, String runId) {
		String key = leaseKey(channel, runId);
		return this.redis.execute(CANCEL, List.of(key), List.of(bytes(this.cancelChannel), bytes(runId)))
			.next()
			.map((result) -> switch (result.intValue()) {
				case 2 -> CancelResult.REQUESTED;
				case 1 -> CancelResult.ENDED;
				default -> CancelResult.UNKNOWN;
			});
	}

	@Override
	public Flux<String> cancellations() {
		return this.redis.listenToChannel(this.cancelChannel)
			.map((message) -> new String(message.getMessage(), StandardCharsets.UTF_8));
	}

	private List<String> keys(LeaseToken token) {
		return List.of(leaseKey(token), this.index);
	}

	private String leaseKey(LeaseToken token) {
		return leaseKey(token.channel(), token.runId());
	}

	private String leaseKey(String channel, String runId) {
		return this.keyPrefix + "{" + channel + "}:run:" + runId;
	}

	private static byte[] millis(Duration duration) {
		return bytes(Long.toString(duration.toMillis()));
	}

	private static byte[] bytes(String value) {
		return value.getBytes(StandardCharsets.UTF_8);
	}

	private static String string(@Nullable Object value) {
		Assert.state(value instanceof byte[], "Redis answered a value");
		return new String((byte[]) value, StandardCharsets.UTF_8);
	}

	private static @Nullable String optional(@Nullable Object value) {
		return (value instanceof byte[] bytes && bytes.length > 0) ? new String(bytes, StandardCharsets.UTF_8) : null;
	}

	private static <T> RedisScript<T> script(String name, Class<T> type) {
		return RedisScript.of(text(name), type);
	}

	private static String text(String name) {
		try {
			return StreamUtils.copyToString(new ClassPathResource(name, RedisRunLeases.class).getInputStream(),
					StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
