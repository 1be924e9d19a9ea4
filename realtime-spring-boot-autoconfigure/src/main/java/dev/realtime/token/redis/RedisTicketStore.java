package dev.realtime.token.redis;

import java.time.Duration;

import dev.realtime.token.TicketStore;
import reactor.core.publisher.Mono;

import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.ReactiveValueOperations;
import org.springframework.util.Assert;

/**
 * A {@link TicketStore} in Redis, shared by every node of an application: each ticket is
 * one key ({@code <prefix>ticket:<ticket>}) written with {@code SET … PX … NX} and taken
 * with {@code GETDEL} (Redis 6.2 or later), so exactly one node redeems it, and Redis
 * expires it when nobody does.
 *
 * @author Realtime team
 * @since 0.1.0
 */
public final class RedisTicketStore implements TicketStore {

	private final ReactiveValueOperations<String, String> values;

	private final String keyPrefix;

	/**
	 * Create a new store.
	 * @param connectionFactory the connection factory of the application's Redis
	 * @param keyPrefix prefix of every key, such as {@code realtime:}
	 */
	public RedisTicketStore(ReactiveRedisConnectionFactory connectionFactory, String keyPrefix) {
		Assert.notNull(connectionFactory, "'connectionFactory' must not be null");
		Assert.notNull(keyPrefix, "'keyPrefix' must not be null");
		this.values = new ReactiveStringRedisTemplate(connectionFactory).opsForValue();
		this.keyPrefix = keyPrefix;
	}

	@Override
	public Mono<Void> put(String ticket, String token, Duration ttl) {
		Assert.hasText(ticket, "'ticket' must not be empty");
		Assert.isTrue(ttl.toMillis() > 0, "'ttl' must be at least a millisecond");
		return this.values.setIfAbsent(key(ticket), token, ttl)
			.flatMap((stored) -> stored ? Mono.empty() : Mono.error(new IllegalStateException("Ticket already exists")))
			.then();
	}

	@Override
	public Mono<String> take(String ticket) {
		return this.values.getAndDelete(key(ticket));
	}

	private String key(String ticket) {
		return this.keyPrefix + "ticket:" + ticket;
	}

}
