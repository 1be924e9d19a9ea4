package dev.realtime.engine.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import dev.realtime.PresenceMember;
import dev.realtime.PresenceSnapshot;
import dev.realtime.engine.PresenceChange;
import dev.realtime.engine.PresenceStore;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.io.ClassPathResource;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.core.ReactiveRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.data.redis.serializer.RedisSerializationContext;
import org.springframework.data.redis.serializer.RedisSerializer;
import org.springframework.util.Assert;

/**
 * A {@link PresenceStore} in Redis, shared by every node with the same key prefix.
 * <p>
 * The members of a channel are a hash {@code <prefix>{<channel>}:presence} (in the slot
 * of the channel) from user to its info and the nodes it is on, each with an expiry in
 * Redis time, and a counter {@code <prefix>{<channel>}:presence:listed}. One Lua script
 * changes them atomically, so that of several nodes exactly one reports a user's join or
 * leave. A node confirms its members with {@link #refresh} more often than the
 * time-to-live; the members of a node that stops (it died, or lost Redis) are dropped by
 * the next refresh of another node after their time-to-live, and reported as leaves. Both
 * keys expire a time-to-live after the last change, when no node refreshes them.
 *
 * @author Realtime team
 * @since 0.1.0
 */
public final class RedisPresenceStore implements PresenceStore {

	@SuppressWarnings("rawtypes")
	private static final RedisScript<List> PRESENCE = RedisScript
		.of(new ClassPathResource("presence.lua", RedisPresenceStore.class), List.class);

	private static final TypeReference<Map<String, String>> INFO = new TypeReference<>() {
	};

	private static final JsonMapper mapper = JsonMapper.shared();

	private final ReactiveRedisTemplate<String, byte[]> redis;

	private final String keyPrefix;

	private final byte[] node;

	private final byte[] ttlMillis;

	private final byte[] maxMembers;

	/**
	 * Create a new instance.
	 * @param connectionFactory the connection factory of the engine's Redis
	 * @param keyPrefix the key prefix of the engine
	 * @param node the id of this node, unique among the nodes
	 * @param ttl how long a node's members stay without a refresh
	 * @param maxMembers how many members each channel lists
	 */
	public RedisPresenceStore(ReactiveRedisConnectionFactory connectionFactory, String keyPrefix, String node,
			Duration ttl, int maxMembers) {
		Assert.notNull(connectionFactory, "'connectionFactory' must not be null");
		Assert.notNull(keyPrefix, "'keyPrefix' must not be null");
		Assert.hasText(node, "'node' must not be empty");
		Assert.isTrue(ttl.toMillis() > 0, "'ttl' must be positive");
		Assert.isTrue(maxMembers > 0, "'maxMembers' must be positive");
		this.redis = new ReactiveRedisTemplate<>(connectionFactory,
				RedisSerializationContext.<String, byte[]>newSerializationContext(RedisSerializer.string())
					.value(RedisSerializer.byteArray())
					.build());
		this.keyPrefix = keyPrefix;
		this.node = bytes(node);
		this.ttlMillis = bytes(Long.toString(ttl.toMillis()));
		this.maxMembers = bytes(Integer.toString(maxMembers));
	}

	@Override
	public Mono<PresenceChange> join(String channel, PresenceMember member) {
		return execute(channel, "join", List.of(bytes(member.user()), bytes(mapper.writeValueAsString(member.info()))))
			.flatMap((result) -> change(result, true, member.user()));
	}

	@Override
	public Mono<PresenceChange> leave(String channel, String user) {
		return execute(channel, "leave", List.of(bytes(user))).flatMap((result) -> change(result, false, user));
	}

	// {changed, listed, count, info}
	private static Mono<PresenceChange> change(List<?> result, boolean joined, String user) {
		if (number(result.get(0)) == 0 || number(result.get(1)) == 0) {
			return Mono.empty();
		}
		return Mono.just(new PresenceChange(joined, member(user, result.get(3)), number(result.get(2))));
	}

	@Override
	public Flux<PresenceChange> refresh(String channel, Collection<PresenceMember> members) {
		List<byte[]> arguments = new ArrayList<>(members.size() * 2);
		for (PresenceMember member : members) {
			arguments.add(bytes(member.user()));
			arguments.add(bytes(mapper.writeValueAsString(member.info())));
		}
		// {count, (kind, user, info)...}
		return execute(channel, "refresh", arguments).flatMapIterable((result) -> {
			long count = number(result.get(0));
			List<PresenceChange> changes = new ArrayList<>();
			for (int i = 1; i + 2 < result.size(); i += 3) {
				changes.add(new PresenceChange(string(result.get(i)).equals("join"),
						member(string(result.get(i + 1)), result.get(i + 2)), count));
			}
			return changes;
		});
	}

	@Override
	public Mono<PresenceSnapshot> members(String channel) {
		// {count, (user, info)...}
		return execute(channel, "members", List.of()).map((result) -> {
			List<PresenceMember> members = new ArrayList<>();
			for (int i = 1; i + 1 < result.size(); i += 2) {
				members.add(member(string(result.get(i)), result.get(i + 1)));
			}
			return new PresenceSnapshot(channel, number(result.get(0)), members);
		});
	}

	private Mono<List<?>> execute(String channel, String operation, List<byte[]> operands) {
		String key = this.keyPrefix + "{" + channel + "}:presence";
		List<byte[]> arguments = new ArrayList<>(4 + operands.size());
		arguments.add(bytes(operation));
		arguments.add(this.node);
		arguments.add(this.ttlMillis);
		arguments.add(this.maxMembers);
		arguments.addAll(operands);
		return this.redis.execute(PRESENCE, List.of(key, key + ":listed"), arguments)
			.next()
			.map((result) -> (List<?>) result);
	}

	private static PresenceMember member(String user, @Nullable Object info) {
		String json = (info instanceof byte[] bytes) ? new String(bytes, StandardCharsets.UTF_8) : "";
		return new PresenceMember(user, json.isEmpty() ? Map.of() : mapper.readValue(json, INFO));
	}

	private static long number(@Nullable Object value) {
		Assert.state(value instanceof Long, "Redis answered a number");
		return (Long) value;
	}

	private static String string(@Nullable Object value) {
		Assert.state(value instanceof byte[], "Redis answered a value");
		return new String((byte[]) value, StandardCharsets.UTF_8);
	}

	private static byte[] bytes(String value) {
		return value.getBytes(StandardCharsets.UTF_8);
	}

}
