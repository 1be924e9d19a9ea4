package dev.realtime.server.webflux;

import dev.realtime.server.RequestCredentials;
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
		return RequestCredentials.queryParameter(request.uri().getRawQuery(), name);
	}

}
