package dev.realtime.presence;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import dev.realtime.Channel;
import dev.realtime.ChannelCatalog;
import dev.realtime.InvalidChannelException;
import dev.realtime.MessageKind;
import dev.realtime.PresenceMember;
import dev.realtime.PresenceSnapshot;
import dev.realtime.RealtimePresence;
import dev.realtime.TopicDefinition;
import dev.realtime.engine.PresenceChange;
import dev.realtime.engine.PresenceStore;
import dev.realtime.engine.PublishRequest;
import dev.realtime.engine.RealtimeEngine;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.SmartLifecycle;
import org.springframework.core.log.LogMessage;
import org.springframework.util.Assert;

/**
 * Keeps the presence of this node's subscribers: counts each user's subscriptions to each
 * presence channel, tells the {@link PresenceStore} when a user gets its first and loses
 * its last (a while later, so that a reconnect is neither a leave nor a join), publishes
 * the joins and leaves the store reports on the channel's
 * {@value TopicDefinition#PRESENCE_TOPIC} topic, and confirms the node's members to the
 * store periodically.
 * <p>
 * Transports {@link #enter enter} a subscription when it starts and
 * {@link Presence#exit() exit} it when it ends; both return at once, from any thread.
 * Calls to the store for one user of one channel are made one after the other, in order.
 *
 * @author Realtime team
 * @since 0.1.0
 */
public final class PresenceTracker implements RealtimePresence, SmartLifecycle {

	private static final Log logger = LogFactory.getLog(PresenceTracker.class);

	private final PresenceStore store;

	private final RealtimeEngine engine;

	private final ChannelCatalog catalog;

	private final JsonMapper mapper;

	private final Duration leaveDelay;

	private final Duration refreshInterval;

	private final Scheduler scheduler;

	/** This node's members and watchers, by channel; guarded by itself. */
	private final Map<String, LocalChannel> channels = new HashMap<>();

	private @Nullable Disposable refreshing;

	private volatile boolean running;

	/**
	 * Create a new tracker.
	 * @param store where the members of every node are kept
	 * @param engine publishes the joins and leaves
	 * @param catalog tells which channels track presence
	 * @param mapper writes the joins and leaves
	 * @param leaveDelay how long a user stays a member after its last subscription on
	 * this node ended
	 * @param refreshInterval how often this node confirms its members to the store
	 */
	public PresenceTracker(PresenceStore store, RealtimeEngine engine, ChannelCatalog catalog, JsonMapper mapper,
			Duration leaveDelay, Duration refreshInterval) {
		this(store, engine, catalog, mapper, leaveDelay, refreshInterval, Schedulers.parallel());
	}

	PresenceTracker(PresenceStore store, RealtimeEngine engine, ChannelCatalog catalog, JsonMapper mapper,
			Duration leaveDelay, Duration refreshInterval, Scheduler scheduler) {
		Assert.notNull(store, "'store' must not be null");
		Assert.notNull(engine, "'engine' must not be null");
		Assert.notNull(catalog, "'catalog' must not be null");
		Assert.notNull(mapper, "'mapper' must not be null");
		Assert.isTrue(!leaveDelay.isNegative(), "'leaveDelay' must not be negative");
		Assert.isTrue(refreshInterval.toMillis() > 0, "'refreshInterval' must be positive");
		this.store = store;
		this.engine = engine;
		this.catalog = catalog;
		this.mapper = mapper;
		this.leaveDelay = leaveDelay;
		this.refreshInterval = refreshInterval;
		this.scheduler = scheduler;
	}

	@Override
	public Mono<PresenceSnapshot> presence(String channel) {
		return Mono.fromCallable(() -> tracked(channel)).flatMap((name) -> this.store.members(name));
	}

	private String tracked(String channelName) {
		Channel channel = this.catalog.resolve(channelName);
		if (!channel.definition().presence()) {
			throw new InvalidChannelException("Channel '" + channel.definition().template()
					+ "' does not track presence; declare it with @RealtimeChannel(presence = true)");
		}
		return channel.name();
	}

	/**
	 * Tell whether a channel tracks presence.
	 * @param channelName the channel name, resolved already
	 * @return whether it tracks presence
	 */
	public boolean tracks(String channelName) {
		return this.catalog.resolve(channelName).definition().presence();
	}

	/**
	 * Enter a subscription that started on this node: its user is a member of the channel
	 * until the subscription exits, and a subscription that may see presence makes this
	 * node confirm the channel's members.
	 * @param channel the channel, which tracks presence
	 * @param user the subject of the subscription's token, or {@code null} when it names
	 * no one and so is no member
	 * @param info what the members learn about the user
	 * @param watches whether the subscription receives the channel's joins and leaves
	 * @return the subscription's presence, to exit when it ends
	 */
	public Presence enter(String channel, @Nullable String user, Map<String, String> info, boolean watches) {
		PresenceMember member = (user != null) ? new PresenceMember(user, info) : null;
		synchronized (this.channels) {
			LocalChannel local = this.channels.computeIfAbsent(channel, (name) -> new LocalChannel());
			if (watches) {
				local.watchers++;
			}
			if (member != null) {
				LocalMember entry = local.members.computeIfAbsent(member.user(),
						(name) -> new LocalMember(channel, member));
				entry.member = member;
				entry.subscriptions++;
				if (entry.subscriptions == 1) {
					Disposable leaving = entry.leaving;
					if (leaving != null) {
						// back before its leave: neither a leave nor a join
						leaving.dispose();
						entry.leaving = null;
					}
					else {
						entry.then(() -> this.store.join(channel, member));
					}
				}
			}
		}
		return new Presence(channel, member, watches);
	}

	private void exit(Presence presence) {
		PresenceMember member = presence.member;
		synchronized (this.channels) {
			LocalChannel local = this.channels.get(presence.channel);
			if (local == null) {
				return;
			}
			if (presence.watches) {
				local.watchers--;
			}
			LocalMember entry = (member != null) ? local.members.get(member.user()) : null;
			if (entry != null && --entry.subscriptions == 0) {
				entry.leaving = Mono.delay(this.leaveDelay, this.scheduler)
					.subscribe((tick) -> leave(presence.channel, entry));
			}
			else if (local.isEmpty()) {
				this.channels.remove(presence.channel);
			}
		}
	}

	private void leave(String channel, LocalMember entry) {
		synchronized (this.channels) {
			LocalChannel local = this.channels.get(channel);
			if (local == null || local.members.get(entry.member.user()) != entry || entry.subscriptions > 0) {
				return;
			}
			entry.leaving = null;
			local.members.remove(entry.member.user());
			if (local.isEmpty()) {
				this.channels.remove(channel);
			}
			String user = entry.member.user();
			entry.then(() -> this.store.leave(channel, user));
		}
	}

	private void announce(String channel, PresenceChange change) {
		PresenceEvent event = new PresenceEvent(change.joined() ? "join" : "leave", change.member().user(),
				change.member().info(), change.count());
		PublishRequest request = new PublishRequest(channel, TopicDefinition.PRESENCE_TOPIC,
				this.mapper.writeValueAsBytes(event), null, MessageKind.PRESENCE, false);
		this.engine.publish(request)
			.subscribe(null, (ex) -> logger.warn(LogMessage.format("Cannot announce the %s of '%s' on '%s': %s",
					event.type(), event.user(), channel, ex.getMessage())));
	}

	// confirms this node's members of every channel it has members or watchers of
	private void refresh() {
		Map<String, List<PresenceMember>> members = new HashMap<>();
		synchronized (this.channels) {
			this.channels.forEach((channel, local) -> {
				List<PresenceMember> present = new ArrayList<>();
				local.members.values().forEach((entry) -> present.add(entry.member));
				members.put(channel, present);
			});
		}
		Flux.fromIterable(members.entrySet())
			.concatMap((channel) -> this.store.refresh(channel.getKey(), channel.getValue())
				.doOnNext((change) -> announce(channel.getKey(), change))
				.onErrorResume((ex) -> {
					logger.debug(LogMessage.format("Cannot refresh the presence of '%s': %s", channel.getKey(),
							ex.getMessage()));
					return Mono.empty();
				}))
			.subscribe();
	}

	@Override
	public void start() {
		this.running = true;
		this.refreshing = Flux.interval(this.refreshInterval, this.scheduler)
			.onBackpressureDrop()
			.concatMap((tick) -> Mono.fromRunnable(this::refresh), 1)
			.subscribe();
	}

	/**
	 * Stop: this node's members leave now, without waiting for their delay.
	 */
	@Override
	public void stop() {
		stop(() -> {
		});
	}

	@Override
	public void stop(Runnable callback) {
		this.running = false;
		Disposable refreshing = this.refreshing;
		if (refreshing != null) {
			refreshing.dispose();
		}
		List<Mono<?>> leaves = new ArrayList<>();
		synchronized (this.channels) {
			this.channels.forEach((channel, local) -> local.members.values().forEach((entry) -> {
				Disposable leaving = entry.leaving;
				if (leaving != null) {
					leaving.dispose();
				}
				String user = entry.member.user();
				leaves.add(entry.then(() -> this.store.leave(channel, user)));
			}));
			this.channels.clear();
		}
		Mono.when(leaves)
			.timeout(Duration.ofSeconds(2))
			.onErrorResume((ex) -> Mono.empty())
			.doFinally((signal) -> callback.run())
			.subscribe();
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		// stop after the streams ended (ShutdownSignal), while the engine still publishes
		return SmartLifecycle.DEFAULT_PHASE - 1024;
	}

	/**
	 * The presence of one subscription, which it exits once when it ends.
	 */
	public final class Presence {

		private final String channel;

		private final @Nullable PresenceMember member;

		private final boolean watches;

		private boolean exited;

		private Presence(String channel, @Nullable PresenceMember member, boolean watches) {
			this.channel = channel;
			this.member = member;
			this.watches = watches;
		}

		/**
		 * Exit the subscription; its user leaves the channel, after the leave delay, when
		 * it was the user's last subscription on this node. Only the first call counts.
		 */
		public void exit() {
			synchronized (this) {
				if (this.exited) {
					return;
				}
				this.exited = true;
			}
			PresenceTracker.this.exit(this);
		}

	}

	private static final class LocalChannel {

		private final Map<String, LocalMember> members = new HashMap<>();

		private int watchers;

		boolean isEmpty() {
			return this.members.isEmpty() && this.watchers == 0;
		}

	}

	private final class LocalMember {

		private final String channel;

		private PresenceMember member;

		private int subscriptions;

		private @Nullable Disposable leaving;

		/** The last call to the store for this member, which the next one waits for. */
		private Mono<Void> last = Mono.empty();

		LocalMember(String channel, PresenceMember member) {
			this.channel = channel;
			this.member = member;
		}

		// chains a call to the store after the previous one and announces its change
		Mono<Void> then(Supplier<Mono<PresenceChange>> call) {
			String channel = this.channel;
			Mono<Void> next = this.last.then(Mono.defer(call))
				.doOnNext((change) -> announce(channel, change))
				.onErrorResume((ex) -> {
					logger.warn(LogMessage.format("Cannot update the presence of '%s' on '%s': %s", this.member.user(),
							channel, ex.getMessage()));
					return Mono.empty();
				})
				.then()
				.cache();
			this.last = next;
			next.subscribe();
			return next;
		}

	}

}
