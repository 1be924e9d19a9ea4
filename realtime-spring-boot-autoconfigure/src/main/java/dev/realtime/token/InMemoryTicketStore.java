package dev.realtime.token;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import reactor.core.publisher.Mono;

import org.springframework.util.Assert;

/**
 * A {@link TicketStore} of one node, for the in-memory engine.
 *
 * @author Realtime team
 * @since 0.1.0
 */
public final class InMemoryTicketStore implements TicketStore {

	// expired tickets that nobody takes are swept every this many puts
	private static final int SWEEP_INTERVAL = 256;

	private final ConcurrentHashMap<String, Entry> tickets = new ConcurrentHashMap<>();

	private final AtomicInteger puts = new AtomicInteger();

	private final Clock clock;

	/**
	 * Create a store on the system clock.
	 */
	public InMemoryTicketStore() {
		this(Clock.systemUTC());
	}

	/**
	 * Create a store.
	 * @param clock the clock for expiry
	 */
	public InMemoryTicketStore(Clock clock) {
		Assert.notNull(clock, "'clock' must not be null");
		this.clock = clock;
	}

	@Override
	public Mono<Void> put(String ticket, String token, Duration ttl) {
		Assert.hasText(ticket, "'ticket' must not be empty");
		Assert.hasText(token, "'token' must not be empty");
		Assert.isTrue(!ttl.isNegative() && !ttl.isZero(), "'ttl' must be positive");
		return Mono.fromRunnable(() -> {
			long now = this.clock.millis();
			if (this.puts.incrementAndGet() % SWEEP_INTERVAL == 0) {
				this.tickets.values().removeIf((entry) -> entry.expired(now));
			}
			this.tickets.put(ticket, new Entry(token, now + ttl.toMillis()));
		});
	}

	@Override
	public Mono<String> take(String ticket) {
		return Mono.fromSupplier(() -> {
			Entry entry = this.tickets.remove(ticket);
			return (entry != null && !entry.expired(this.clock.millis())) ? entry.token() : null;
		});
	}

	/**
	 * Return how many tickets the store holds, used or not, for tests.
	 * @return the number of tickets
	 */
	int size() {
		return this.tickets.size();
	}

	private record Entry(String token, long expiresAt) {

		boolean expired(long now) {
			return now >= this.expiresAt;
		}

	}

}
