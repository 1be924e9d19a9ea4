package dev.realtime.server;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

import dev.realtime.token.InvalidTokenException;
import org.jspecify.annotations.Nullable;

/**
 * Reads the credentials of a request the same way on every web stack: the subscription
 * token in {@code Authorization: Bearer …} or the {@code token} query parameter, and the
 * stream ticket in the {@code ticket} query parameter, for clients such as
 * {@code EventSource} that cannot set headers. Query parameters are read from the raw
 * query string, so that a stream does not keep a map of every parameter for as long as it
 * is open.
 *
 * @author Realtime team
 * @since 0.1.0
 */
public final class RequestCredentials {

	private static final String BEARER = "Bearer ";

	private RequestCredentials() {
	}

	/**
	 * Return the token of a request, from its {@code Authorization} header or else its
	 * {@code token} query parameter.
	 * @param authorization the {@code Authorization} header, if any
	 * @param rawQuery the request's query string, not decoded, if any
	 * @return the token
	 * @throws InvalidTokenException if the request has none
	 */
	public static String token(@Nullable String authorization, @Nullable String rawQuery) {
		String bearer = bearer(authorization);
		if (bearer != null) {
			return bearer;
		}
		String token = queryParameter(rawQuery, "token");
		if (token == null || token.isBlank()) {
			throw new InvalidTokenException(
					"Missing token: send 'Authorization: Bearer <token>' or the 'token' query parameter");
		}
		return token;
	}

	/**
	 * Return the token of the {@code Authorization} header, never one of the URL.
	 * @param authorization the {@code Authorization} header, if any
	 * @return the token
	 * @throws InvalidTokenException if the header has none
	 */
	public static String bearerToken(@Nullable String authorization) {
		String token = bearer(authorization);
		if (token == null || token.isEmpty()) {
			throw new InvalidTokenException("Missing token: send 'Authorization: Bearer <token>'");
		}
		return token;
	}

	/**
	 * Return the stream ticket of a request, if it has one.
	 * @param rawQuery the request's query string, not decoded, if any
	 * @return the {@code ticket} query parameter, or {@code null}
	 */
	public static @Nullable String ticket(@Nullable String rawQuery) {
		return queryParameter(rawQuery, "ticket");
	}

	/**
	 * Return the first value of a query parameter, decoded as web stacks decode query
	 * parameters.
	 * @param rawQuery the query string, not decoded, if any
	 * @param name the parameter's name
	 * @return the decoded value, empty for a parameter without one, or {@code null} when
	 * the query has no such parameter
	 */
	public static @Nullable String queryParameter(@Nullable String rawQuery, String name) {
		if (rawQuery == null) {
			return null;
		}
		for (String pair : rawQuery.split("&")) {
			int equals = pair.indexOf('=');
			String key = (equals < 0) ? pair : pair.substring(0, equals);
			if (!key.isEmpty() && decode(key).equals(name)) {
				return (equals < 0) ? "" : decode(pair.substring(equals + 1));
			}
		}
		return null;
	}

	private static String decode(String encoded) {
		try {
			return URLDecoder.decode(encoded, StandardCharsets.UTF_8);
		}
		catch (IllegalArgumentException ex) {
			// a malformed escape: the value is not what any client sent on purpose
			throw new IllegalArgumentException("Malformed query string");
		}
	}

	private static @Nullable String bearer(@Nullable String authorization) {
		if (authorization != null && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
			return authorization.substring(BEARER.length()).trim();
		}
		return null;
	}

}
