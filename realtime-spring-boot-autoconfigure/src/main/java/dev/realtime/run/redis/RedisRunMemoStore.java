package dev.realtime.run.redis;

import java.time.Duration;

import dev.realtime.run.RunMemoStore;
import reactor.core.publisher.Mono;

import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.core.ReactiveHashOperations;
import org.springframework.data.redis.core.ReactiveRedisTemplate;
import org.springframework.data.redis.serializer.RedisSerializationContext;
import org.springframework.data.redis.serializer.RedisSerializer;
import org.springframework.util.Assert;

/**
 * A {@link RunMemoStore} in Redis, so that a run retried on another node does not repeat
 * its durable steps. Each run is one hash ({@code <prefix>run:{<runId>}}) whose fields
 * are step ids, written with {@code HSETNX}: the first record of a step wins on every
 * node. Records of a run that never completes (its node died) expire after a safety
 * bound.
 *
 * @author Realtime team
 * @since 0.1.0
 */
public final class RedisRunMemoStore implements RunMemoStore {

	private final ReactiveRedisTemplate<String, byte[]> redis;

	private final ReactiveHashOperations<String, String, byte[]> hashes;

	private final String keyPrefix;

	private final Duration unfinishedTtl;

	/**
	 * Create a new store.
	 * @param connectionFactory the application's Redis connection factory
	 * @param keyPrefix prefix of every key, such as {@code realtime:}
	 * @param unfinishedTtl how long records of a run that never completes are kept
	 */
	public RedisRunMemoStore(ReactiveRedisConnectionFactory connectionFactory, String keyPrefix,
			Duration unfinishedTtl) {
		Assert.notNull(connectionFactory, "'connectionFactory' must not be null");
		Assert.notNull(keyPrefix, "'keyPrefix' must not be null");
		Assert.isTrue(!unfinishedTtl.isNegative() && !unfinishedTtl.isZero(), "'unfinishedTtl' must be positive");
		RedisSerializationContext<String, byte[]> context = RedisSerializationContext
			.<String, byte[]>newSerializationContext(RedisSerializer.string())
			.value(RedisSerializer.byteArray())
			.hashKey(RedisSerializer.string())
			.hashValue(RedisSerializer.byteArray())
			.build();
		this.redis = new ReactiveRedisTemplate<>(connectionFactory, context);
		this.hashes = this.redis.opsForHash();
		this.keyPrefix = keyPrefix;
		this.unfinishedTtl = unfinishedTtl;
	}

	@Override
	public Mono<byte[]> get(String runId, String stepId) {
		return this.hashes.get(key(runId), stepId);
	}

	@Override
	public Mono<Boolean> putIfAbsent(String runId, String stepId, byte[] value) {
		String key = key(runId);
		return this.hashes.putIfAbsent(key, stepId, value)
			.flatMap((recorded) -> (recorded) ? this.redis.expire(key, this.unfinishedTtl).thenReturn(true)
					: Mono.just(false));
	}

	@Override
	public Mono<Void> complete(String runId, Duration ttl) {
		return this.redis.expire(key(runId), ttl).then();
	}

	private String key(String runId) {
		// the hash tag keeps a run's record in one slot of a cluster
		return this.keyPrefix + "run:{" + runId + "}";
	}

}
