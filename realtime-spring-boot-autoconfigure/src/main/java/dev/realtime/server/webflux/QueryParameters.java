package dev.realtime.server.webflux;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

import org.jspecify.annotations.Nullable;

import org.springframework.web.reactive.function.server.ServerRequest;

/**
 * Reads a query parameter of a stream's request from its URI, decoded as WebFlux decodes
 * query parameters. {@link ServerRequest#queryParam(String)} would keep a map of every
 * parameter on the request, and so for as long as the stream is open.
 *
 * @author Realtime team
 */
final class QueryParameters {

	private QueryParameters() {
	}

	/**
	 * Return the first value of a query parameter.
	 * @param request the request
	 * @param name the parameter's name
	 * @return the decoded value, empty for a parameter without one, or {@code null} when
	 * the query has no such parameter
	 */
	static @Nullable String first(ServerRequest request, String name) {
		String query = request.uri().getRawQuery();
		if (query == null) {
			return null;
		}
		for (String pair : query.split("&")) {
			int equals = pair.indexOf('=');
			String key = (equals < 0) ? pair : pair.substring(0, equals);
			if (!key.isEmpty() && decode(key).equals(name)) {
				return (equals < 0) ? "" : decode(pair.substring(equals + 1));
			}
		}
		return null;
	}

	// a URI's escapes are well formed, so this does not throw
	private static String decode(String encoded) {
		return URLDecoder.decode(encoded, StandardCharsets.UTF_8);
	}

}
