package dev.realtime.token;

import java.time.Duration;

import reactor.core.publisher.Mono;

/**
 * Keeps stream tickets until they are used once or expire. Implementations shared by
 * several nodes (Redis) make a ticket usable once across all of them.
 *
 * @author Realtime team
 * @since 0.1.0
 * @see StreamTickets
 */
public interface TicketStore {

	/**
	 * Keep a ticket.
	 * @param ticket the ticket, a random value
	 * @param token the token it was exchanged for
	 * @param ttl how long the ticket stays valid, positive
	 * @return completes when the ticket is stored
	 */
	Mono<Void> put(String ticket, String token, Duration ttl);

	/**
	 * Take a ticket: return its token and forget the ticket, atomically, so that only one
	 * caller ever gets it.
	 * @param ticket the ticket
	 * @return the token, or empty when the ticket is unknown, used or expired
	 */
	Mono<String> take(String ticket);

}
