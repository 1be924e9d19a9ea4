package dev.realtime.token;

/**
 * Mints and verifies subscription tokens. Applications that mint tokens in their own
 * controller inject this bean, decide themselves whether the caller may subscribe, then
 * call {@link #mint(TokenRequest)}.
 *
 * @author Realtime team
 * @since 0.1.0
 */
public interface RealtimeTokens {

	/**
	 * Mint a token. No authorization happens here: the caller has decided already.
	 * @param request the channel and topics to grant
	 * @return the token
	 * @throws dev.realtime.InvalidChannelException if the channel or a topic is not in
	 * the catalog
	 */
	SubscriptionToken mint(TokenRequest request);

	/**
	 * Verify a token: signature, algorithm, validity period, and that its channel and
	 * topics are in the catalog.
	 * @param token the compact JWS
	 * @return the claims of a valid token
	 * @throws InvalidTokenException if the token must be rejected, with a short reason
	 */
	TokenClaims verify(String token);

}
