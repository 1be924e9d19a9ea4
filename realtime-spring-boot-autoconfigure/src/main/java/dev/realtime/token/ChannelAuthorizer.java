package dev.realtime.token;

import reactor.core.publisher.Mono;

/**
 * The application's rule deciding who may have a token for a channel, for channels whose
 * {@link dev.realtime.RealtimeChannel#authorize()} is empty. Authorizer beans are asked
 * in order until one decides; when none does, the request is denied.
 *
 * @author Realtime team
 * @since 0.1.0
 */
@FunctionalInterface
public interface ChannelAuthorizer {

	/**
	 * Decide whether the request is allowed.
	 * @param request who asks for which channel and topics
	 * @return {@code true} to grant, {@code false} to deny, empty to leave the decision
	 * to the next authorizer
	 */
	Mono<Boolean> authorize(ChannelAccessRequest request);

}
