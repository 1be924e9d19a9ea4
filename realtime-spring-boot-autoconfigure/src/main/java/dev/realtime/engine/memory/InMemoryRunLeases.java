package dev.realtime.engine.memory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import dev.realtime.engine.EngineMessage;
import dev.realtime.engine.LeaseLostException;
import dev.realtime.engine.LeaseToken;
import dev.realtime.engine.PublishRequest;
import dev.realtime.engine.RealtimeEngine;
import dev.realtime.engine.RunLease;
import dev.realtime.engine.RunLeases;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import org.springframework.util.Assert;

/**
 * {@link RunLeases} of one process, for the in-memory engine: several run executors of
 * the process may share it, and the claim is checked under a lock before the publish is
 * issued. With an engine that publishes asynchronously the check and the publish are not
 * atomic; shared engines bring their own leases.
 *
 * @author Realtime team
 * @since 0.1.0
 */
public final class InMemoryRunLeases implements RunLeases {

	private final RealtimeEngine engine;

	private final Clock clock;

	/** Guarded by itself. */
	private final Map<String, Entry> leases = new HashMap<>();

	private final Sinks.Many<String> cancellations = Sinks.many().multicast().directBestEffort();

	/**
	 * Create a new instance.
	 * @param engine the engine that fenced publishes go to
	 * @param clock the clock of lease expiry
	 */
	public InMemoryRunLeases(RealtimeEngine engine, Clock clock) {
		Assert.notNull(engine, "'engine' must not be null");
		Assert.notNull(clock, "'clock' must not be null");
		this.engine = engine;
		this.clock = clock;
	}

	@Override
	public Mono<Boolean> acquire(RunLease lease, Duration ttl) {
		Assert.notNull(lease, "'lease' must not be null");
		return Mono.fromSupplier(() -> {
			synchronized (this.leases) {
				String key = key(lease.token().channel(), lease.token().runId());
				Entry existing = this.leases.get(key);
				if (existing != null && !existing.ended && !existing.isExpired(now())) {
					return false;
				}
				this.leases.put(key, new Entry(lease, now().plus(ttl)));
				return true;
			}
		});
	}

	@Override
	public Mono<Renewal> renew(LeaseToken token, int attempt, Duration ttl) {
		return Mono.fromSupplier(() -> {
			synchronized (this.leases) {
				Entry entry = held(token);
				if (entry == null) {
					return Renewal.LOST;
				}
				entry.attempt = attempt;
				entry.expiresAt = now().plus(ttl);
				return entry.cancelRequested ? Renewal.CANCEL_REQUESTED : Renewal.HELD;
			}
		});
	}

	@Override
	public Mono<Boolean> holds(LeaseToken token) {
		return Mono.fromSupplier(() -> {
			synchronized (this.leases) {
				return held(token) != null;
			}
		});
	}

	@Override
	public Mono<EngineMessage> publish(LeaseToken token, PublishRequest request) {
		return Mono.defer(() -> {
			synchronized (this.leases) {
				if (held(token) == null) {
					return Mono.error(new LeaseLostException(token));
				}
				return Mono.just(this.engine.publish(request).toFuture());
			}
		}).flatMap(Mono::fromFuture);
	}

	@Override
	public Mono<Boolean> release(LeaseToken token, Duration retention) {
		return Mono.fromSupplier(() -> {
			synchronized (this.leases) {
				Entry entry = held(token);
				if (entry == null) {
					return false;
				}
				entry.ended = true;
				entry.expiresAt = now().plus(retention);
				return true;
			}
		});
	}

	@Override
	public Flux<RunLease> takeOver(String owner, Set<String> definitions, Duration ttl) {
		return Flux.defer(() -> {
			List<RunLease> claimed = new ArrayList<>();
			synchronized (this.leases) {
				Instant now = now();
				Iterator<Entry> entries = this.leases.values().iterator();
				while (entries.hasNext()) {
					Entry entry = entries.next();
					if (entry.ended) {
						if (entry.isExpired(now)) {
							entries.remove();
						}
					}
					else if (entry.isExpired(now)
							&& (entry.definition == null || definitions.contains(entry.definition))) {
						entry.claim = UUID.randomUUID().toString();
						entry.owner = owner;
						entry.attempt++;
						entry.expiresAt = now.plus(ttl);
						claimed.add(entry.lease());
					}
				}
			}
			return Flux.fromIterable(claimed);
		});
	}

	@Override
	public Mono<CancelResult> cancel(String channel, String runId) {
		return Mono.fromSupplier(() -> {
			synchronized (this.leases) {
				Entry entry = this.leases.get(key(channel, runId));
				if (entry == null || (entry.ended && entry.isExpired(now()))) {
					return CancelResult.UNKNOWN;
				}
				if (entry.ended) {
					return CancelResult.ENDED;
				}
				entry.cancelRequested = true;
			}
			this.cancellations.tryEmitNext(runId);
			return CancelResult.REQUESTED;
		});
	}

	@Override
	public Flux<String> cancellations() {
		return this.cancellations.asFlux();
	}

	private @Nullable Entry held(LeaseToken token) {
		Entry entry = this.leases.get(key(token.channel(), token.runId()));
		return (entry != null && !entry.ended && entry.claim.equals(token.claim()) && !entry.isExpired(now())) ? entry
				: null;
	}

	private Instant now() {
		return this.clock.instant();
	}

	private static String key(String channel, String runId) {
		return channel + "\n" + runId;
	}

	private static final class Entry {

		private final String channel;

		private final String runId;

		private final @Nullable String definition;

		private final byte @Nullable [] input;

		private final int maxAttempts;

		private final Instant startedAt;

		private String claim;

		private String owner;

		private int attempt;

		private Instant expiresAt;

		private boolean cancelRequested;

		private boolean ended;

		Entry(RunLease lease, Instant expiresAt) {
			this.channel = lease.token().channel();
			this.runId = lease.token().runId();
			this.definition = lease.definition();
			this.input = lease.input();
			this.maxAttempts = lease.maxAttempts();
			this.startedAt = lease.startedAt();
			this.claim = lease.token().claim();
			this.owner = lease.owner();
			this.attempt = lease.attempt();
			this.expiresAt = expiresAt;
			this.cancelRequested = lease.cancelRequested();
		}

		boolean isExpired(Instant now) {
			return !now.isBefore(this.expiresAt);
		}

		RunLease lease() {
			return new RunLease(new LeaseToken(this.channel, this.runId, this.claim), this.definition, this.input,
					this.attempt, this.maxAttempts, this.owner, this.startedAt, this.cancelRequested);
		}

	}

}
