package dev.realtime.engine.memory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.realtime.PresenceMember;
import dev.realtime.PresenceSnapshot;
import dev.realtime.engine.PresenceChange;
import dev.realtime.engine.PresenceStore;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.util.Assert;

/**
 * A {@link PresenceStore} in the memory of one node, for the {@link InMemoryEngine}.
 *
 * @author Realtime team
 * @since 0.1.0
 */
public final class InMemoryPresenceStore implements PresenceStore {

	private final int maxMembers;

	private final Map<String, Members> channels = new HashMap<>();

	/**
	 * Create a new instance.
	 * @param maxMembers how many members each channel lists
	 */
	public InMemoryPresenceStore(int maxMembers) {
		Assert.isTrue(maxMembers > 0, "'maxMembers' must be positive");
		this.maxMembers = maxMembers;
	}

	@Override
	public Mono<PresenceChange> join(String channel, PresenceMember member) {
		return Mono.fromCallable(() -> {
			synchronized (this.channels) {
				Members members = this.channels.computeIfAbsent(channel, (name) -> new Members());
				if (members.listed.containsKey(member.user()) || members.unlisted.contains(member.user())) {
					return null;
				}
				if (members.listed.size() < this.maxMembers) {
					members.listed.put(member.user(), member);
					return new PresenceChange(true, member, members.count());
				}
				members.unlisted.add(member.user());
				return null;
			}
		});
	}

	@Override
	public Mono<PresenceChange> leave(String channel, String user) {
		return Mono.fromCallable(() -> {
			synchronized (this.channels) {
				Members members = this.channels.get(channel);
				if (members == null) {
					return null;
				}
				PresenceMember member = members.listed.remove(user);
				boolean unlisted = members.unlisted.remove(user);
				long count = members.count();
				if (count == 0) {
					this.channels.remove(channel);
				}
				return (member != null && !unlisted) ? new PresenceChange(false, member, count) : null;
			}
		});
	}

	@Override
	public Flux<PresenceChange> refresh(String channel, Collection<PresenceMember> members) {
		// one node: nobody else's members to forget, and nothing is lost
		return Flux.empty();
	}

	@Override
	public Mono<PresenceSnapshot> members(String channel) {
		return Mono.fromCallable(() -> {
			synchronized (this.channels) {
				Members members = this.channels.get(channel);
				return (members != null)
						? new PresenceSnapshot(channel, members.count(), new ArrayList<>(members.listed.values()))
						: new PresenceSnapshot(channel, 0, List.of());
			}
		});
	}

	private static final class Members {

		private final Map<String, PresenceMember> listed = new LinkedHashMap<>();

		private final Set<String> unlisted = new HashSet<>();

		long count() {
			return this.listed.size() + this.unlisted.size();
		}

	}

}
