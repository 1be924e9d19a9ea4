package dev.realtime.server.webflux;

import dev.realtime.token.InvalidTokenException;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;
import org.springframework.web.reactive.function.server.ServerRequest;

/**
 * Reads the credentials of a request: the subscription token in
 * {@code Authorization: Bearer …} or the {@code token} query parameter, and the stream
 * ticket in the {@code ticket} query parameter, for clients such as {@code EventSource}
 * that cannot set headers.
 *
 * @author Realtime team
 */
final class RequestTokens {

	private static final String BEARER = "Bearer ";

	private RequestTokens() {
	}

	static String require(ServerRequest request) {
		String authorization = bearer(request);
		if (authorization != null) {
			return authorization;
		}
		String token = QueryParameters.first(request, "token");
		if (token == null || token.isBlank()) {
			throw new InvalidTokenException(
					"Missing token: send 'Authorization: Bearer <token>' or the 'token' query parameter");
		}
		return token;
	}

	/**
	 * Return the token of the {@code Authorization} header, never one of the URL.
	 * @param request the request
	 * @return the token
	 * @throws InvalidTokenException if the header is missing
	 */
	static String requireBearer(ServerRequest request) {
		String token = bearer(request);
		if (token == null || token.isEmpty()) {
			throw new InvalidTokenException("Missing token: send 'Authorization: Bearer <token>'");
		}
		return token;
	}

	/**
	 * Return the stream ticket of the request, if it has one.
	 * @param request the request
	 * @return the {@code ticket} query parameter, or {@code null}
	 */
	static @Nullable String ticket(ServerRequest request) {
		return QueryParameters.first(request, "ticket");
	}

	private static @Nullable String bearer(ServerRequest request) {
		String authorization = request.headers().firstHeader(HttpHeaders.AUTHORIZATION);
		if (authorization != null && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
			return authorization.substring(BEARER.length()).trim();
		}
		return null;
	}

}
