package dev.realtime.token;

import java.time.Instant;

/**
 * A short-lived, single-use ticket that opens one Server-Sent Events stream with the
 * grants of the token it was exchanged for, shaped as the ticket endpoint's response.
 *
 * @param ticket the opaque ticket, for the {@code ticket} query parameter
 * @param expiresAt when the ticket expires unused
 * @author Realtime team
 * @since 0.1.0
 */
public record StreamTicket(String ticket, Instant expiresAt) {

}
