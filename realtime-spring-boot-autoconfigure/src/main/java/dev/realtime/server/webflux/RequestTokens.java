package dev.realtime.server.webflux;

import dev.realtime.server.RequestCredentials;
import dev.realtime.token.InvalidTokenException;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;
import org.springframework.web.reactive.function.server.ServerRequest;

/**
 * Reads the {@link RequestCredentials credentials} of a WebFlux request.
 *
 * @author Realtime team
 */
final class RequestTokens {

	private RequestTokens() {
	}

	static String require(ServerRequest request) {
		return RequestCredentials.token(request.headers().firstHeader(HttpHeaders.AUTHORIZATION),
				request.uri().getRawQuery());
	}

	/**
	 * Return the token of the {@code Authorization} header, never one of the URL.
	 * @param request the request
	 * @return the token
	 * @throws InvalidTokenException if the header is missing
	 */
	static String requireBearer(ServerRequest request) {
		return RequestCredentials.bearerToken(request.headers().firstHeader(HttpHeaders.AUTHORIZATION));
	}

	static @Nullable String ticket(ServerRequest request) {
		return RequestCredentials.ticket(request.uri().getRawQuery());
	}

}
