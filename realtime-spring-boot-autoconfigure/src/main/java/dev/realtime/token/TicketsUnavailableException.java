package dev.realtime.token;

import dev.realtime.RealtimeException;

/**
 * Thrown when the {@link TicketStore} cannot issue or redeem a ticket now, for example
 * because Redis is unreachable. The request may be repeated.
 *
 * @author Realtime team
 * @since 0.1.0
 */
public class TicketsUnavailableException extends RealtimeException {

	/**
	 * Create a new instance.
	 * @param message the reason
	 * @param cause the cause
	 */
	public TicketsUnavailableException(String message, Throwable cause) {
		super(message, cause);
	}

}
