package dev.realtime.server.webmvc;

import dev.realtime.server.RequestCredentials;
import dev.realtime.token.InvalidTokenException;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;
import org.springframework.web.servlet.function.ServerRequest;

/**
 * Reads the {@link RequestCredentials credentials} and query parameters of a Spring MVC
 * request from its raw query string.
 *
 * @author Realtime team
 */
final class ServletRequests {

	private ServletRequests() {
	}

	/**
	 * Return the token of the {@code Authorization} header or the {@code token} query
	 * parameter.
	 * @param request the request
	 * @return the token
	 * @throws InvalidTokenException if the request has none
	 */
	static String token(ServerRequest request) {
		return RequestCredentials.token(authorization(request), request.servletRequest().getQueryString());
	}

	/**
	 * Return the token of the {@code Authorization} header, never one of the URL.
	 * @param request the request
	 * @return the token
	 * @throws InvalidTokenException if the header is missing
	 */
	static String bearerToken(ServerRequest request) {
		return RequestCredentials.bearerToken(authorization(request));
	}

	static @Nullable String ticket(ServerRequest request) {
		return RequestCredentials.ticket(request.servletRequest().getQueryString());
	}

	static @Nullable String queryParameter(ServerRequest request, String name) {
		return RequestCredentials.queryParameter(request.servletRequest().getQueryString(), name);
	}

	private static @Nullable String authorization(ServerRequest request) {
		return request.servletRequest().getHeader(HttpHeaders.AUTHORIZATION);
	}

}
