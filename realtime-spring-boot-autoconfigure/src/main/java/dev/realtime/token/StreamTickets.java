package dev.realtime.token;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

import dev.realtime.RealtimeException;
import reactor.core.publisher.Mono;

import org.springframework.util.Assert;

/**
 * Exchanges subscription tokens for stream tickets and redeems them, so that clients
 * which can only put credentials in a URL ({@code EventSource}) never put a long-lived
 * token there: URLs end up in access logs and request logs.
 * <p>
 * A ticket is 128 random bits, valid for the configured ttl but never longer than its
 * token, and usable once: {@link #redeem(String)} takes it from the {@link TicketStore}
 * and verifies its token again, so a stream opened with a ticket has exactly the grants
 * and the expiry of that token.
 *
 * @author Realtime team
 * @since 0.1.0
 */
public final class StreamTickets {

	/**
	 * How long a ticket is valid by default.
	 */
	public static final Duration DEFAULT_TTL = Duration.ofSeconds(30);

	// far above the 22 characters of a real ticket; keeps hostile input out of the store
	private static final int MAX_TICKET_LENGTH = 64;

	private static final SecureRandom RANDOM = new SecureRandom();

	private final RealtimeTokens tokens;

	private final TicketStore store;

	private final Duration ttl;

	private final Clock clock;

	/**
	 * Create an instance.
	 * @param tokens verifies the tokens exchanged and redeemed
	 * @param store keeps the tickets
	 * @param ttl how long a ticket is valid at most
	 * @param clock the clock
	 */
	public StreamTickets(RealtimeTokens tokens, TicketStore store, Duration ttl, Clock clock) {
		Assert.notNull(tokens, "'tokens' must not be null");
		Assert.notNull(store, "'store' must not be null");
		Assert.isTrue(ttl.toMillis() > 0, "'ttl' must be at least a millisecond");
		Assert.notNull(clock, "'clock' must not be null");
		this.tokens = tokens;
		this.store = store;
		this.ttl = ttl;
		this.clock = clock;
	}

	/**
	 * Exchange a token for a ticket.
	 * @param token the subscription token
	 * @return the ticket, or {@link InvalidTokenException} if the token is not valid, or
	 * {@link TicketsUnavailableException} if the store cannot keep it now
	 */
	public Mono<StreamTicket> issue(String token) {
		return Mono.defer(() -> {
			TokenClaims claims = this.tokens.verify(token);
			Instant now = this.clock.instant();
			Instant expiresAt = now.plus(this.ttl);
			if (claims.expiresAt().isBefore(expiresAt)) {
				expiresAt = claims.expiresAt();
			}
			Duration ttl = Duration.between(now, expiresAt);
			if (ttl.toMillis() <= 0) {
				// within the clock skew verification tolerates, but no time left for a
				// ticket
				return Mono.error(new InvalidTokenException("Token expired", true));
			}
			StreamTicket ticket = new StreamTicket(randomTicket(), expiresAt);
			return this.store.put(ticket.ticket(), token, ttl)
				.onErrorMap(StreamTickets::unavailable, (ex) -> unavailable("issue", ex))
				.thenReturn(ticket);
		});
	}

	/**
	 * Redeem a ticket, once.
	 * @param ticket the ticket
	 * @return the claims of the token the ticket was exchanged for, or
	 * {@link InvalidTokenException} if the ticket is unknown, used or expired, or its
	 * token is no longer valid, or {@link TicketsUnavailableException} if the store
	 * cannot be read now
	 */
	public Mono<TokenClaims> redeem(String ticket) {
		if (ticket.isEmpty() || ticket.length() > MAX_TICKET_LENGTH) {
			return Mono.error(new InvalidTokenException("Unknown ticket"));
		}
		return this.store.take(ticket)
			.onErrorMap(StreamTickets::unavailable, (ex) -> unavailable("redeem", ex))
			.switchIfEmpty(Mono.error(() -> new InvalidTokenException("Unknown, used or expired ticket")))
			.map(this.tokens::verify);
	}

	// a store's own failure, as opposed to one of ours
	private static boolean unavailable(Throwable ex) {
		return !(ex instanceof RealtimeException);
	}

	private static TicketsUnavailableException unavailable(String operation, Throwable ex) {
		return new TicketsUnavailableException("Cannot " + operation + " a stream ticket now: " + ex.getMessage(), ex);
	}

	private static String randomTicket() {
		byte[] bytes = new byte[16];
		RANDOM.nextBytes(bytes);
		return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
	}

}
