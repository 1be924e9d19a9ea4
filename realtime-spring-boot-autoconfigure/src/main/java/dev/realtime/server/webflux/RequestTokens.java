package dev.realtime.server.webflux;

import dev.realtime.token.InvalidTokenException;

import org.springframework.http.HttpHeaders;
import org.springframework.web.reactive.function.server.ServerRequest;

/**
 * Reads the subscription token of a request: {@code Authorization: Bearer …} or the
 * {@code token} query parameter, for clients such as {@code EventSource} that cannot set
 * headers.
 *
 * @author Realtime team
 */
final class RequestTokens {

	private static final String BEARER = "Bearer ";

	private RequestTokens() {
	}

	static String require(ServerRequest request) {
		String authorization = request.headers().firstHeader(HttpHeaders.AUTHORIZATION);
		if (authorization != null && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
			return authorization.substring(BEARER.length()).trim();
		}
		String token = QueryParameters.first(request, "token");
		if (token == null || token.isBlank()) {
			throw new InvalidTokenException(
					"Missing token: send 'Authorization: Bearer <token>' or the 'token' query parameter");
		}
		return token;
	}

}
