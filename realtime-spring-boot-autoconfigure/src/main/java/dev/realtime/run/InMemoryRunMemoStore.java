package dev.realtime.run;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.core.log.LogMessage;
import org.springframework.util.Assert;

/**
 * A {@link RunMemoStore} for a single node. It keeps at most a given number of runs: when
 * full, it drops expired runs first, then the ended run that was started first, and only
 * then, with a warning, the oldest active run (whose durable steps may then repeat if it
 * is retried).
 *
 * @author Realtime team
 * @since 0.1.0
 */
public final class InMemoryRunMemoStore implements RunMemoStore {

	private static final Log logger = LogFactory.getLog(InMemoryRunMemoStore.class);

	private final int maxRuns;

	private final Clock clock;

	/** Guarded by itself; in start order. */
	private final LinkedHashMap<String, Memos> runs = new LinkedHashMap<>();

	/**
	 * Create a new store.
	 * @param maxRuns how many runs to keep at most
	 * @param clock the clock for expiry
	 */
	public InMemoryRunMemoStore(int maxRuns, Clock clock) {
		Assert.isTrue(maxRuns > 0, "'maxRuns' must be positive");
		Assert.notNull(clock, "'clock' must not be null");
		this.maxRuns = maxRuns;
		this.clock = clock;
	}

	@Override
	public Mono<byte[]> get(String runId, String stepId) {
		return Mono.fromSupplier(() -> {
			synchronized (this.runs) {
				Memos memos = live(runId);
				byte[] value = (memos != null) ? memos.steps.get(stepId) : null;
				return (value != null) ? value.clone() : null;
			}
		});
	}

	@Override
	public Mono<Boolean> putIfAbsent(String runId, String stepId, byte[] value) {
		Assert.notNull(value, "'value' must not be null");
		byte[] copy = value.clone();
		return Mono.fromSupplier(() -> {
			synchronized (this.runs) {
				Memos memos = live(runId);
				if (memos == null) {
					makeRoom();
					memos = new Memos();
					this.runs.put(runId, memos);
				}
				return memos.steps.putIfAbsent(stepId, copy) == null;
			}
		});
	}

	@Override
	public Mono<Void> complete(String runId, Duration ttl) {
		Assert.notNull(ttl, "'ttl' must not be null");
		return Mono.fromRunnable(() -> {
			synchronized (this.runs) {
				Memos memos = live(runId);
				if (memos != null) {
					memos.expiresAt = this.clock.instant().plus(ttl);
				}
			}
		});
	}

	/**
	 * Return how many runs the store holds, expired ones included until they are dropped.
	 * @return the number of runs
	 */
	public int size() {
		synchronized (this.runs) {
			return this.runs.size();
		}
	}

	private @Nullable Memos live(String runId) {
		Memos memos = this.runs.get(runId);
		if (memos != null && memos.isExpired(this.clock.instant())) {
			this.runs.remove(runId);
			return null;
		}
		return memos;
	}

	private void makeRoom() {
		if (this.runs.size() < this.maxRuns) {
			return;
		}
		Instant now = this.clock.instant();
		this.runs.values().removeIf((memos) -> memos.isExpired(now));
		if (this.runs.size() < this.maxRuns) {
			return;
		}
		Iterator<Memos> iterator = this.runs.values().iterator();
		while (iterator.hasNext()) {
			if (iterator.next().expiresAt != null) {
				iterator.remove();
				return;
			}
		}
		Map.Entry<String, Memos> oldest = this.runs.entrySet().iterator().next();
		logger.warn(LogMessage.format("Dropping the durable steps of active run '%s': more than %d runs are active; "
				+ "raise realtime.runs.max-memoized-runs", oldest.getKey(), this.maxRuns));
		this.runs.remove(oldest.getKey());
	}

	private static final class Memos {

		private final Map<String, byte[]> steps = new HashMap<>();

		private @Nullable Instant expiresAt;

		boolean isExpired(Instant now) {
			return this.expiresAt != null && !now.isBefore(this.expiresAt);
		}

	}

}
