package dev.realtime.server.webflux;

import java.util.Map;

import dev.realtime.token.RealtimeTokens;
import dev.realtime.token.TokenClaims;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpStatus;
import org.springframework.util.Assert;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * Accepts messages from browsers: {@code POST {base}/publish} with a token whose publish
 * grant names the topic, body {@code {"channel":…,"topic":…,"data":…}}, answering
 * {@code 202 {"id":…}}.
 *
 * @author Realtime team
 * @since 0.1.0
 */
public final class RealtimePublishHandler {

	private final RealtimeTokens tokens;

	private final ClientPublishing publishing;

	private final JsonMapper mapper;

	private final int maxRequestSize;

	RealtimePublishHandler(RealtimeTokens tokens, ClientPublishing publishing, JsonMapper mapper, int maxRequestSize) {
		Assert.notNull(tokens, "'tokens' must not be null");
		Assert.notNull(publishing, "'publishing' must not be null");
		Assert.notNull(mapper, "'mapper' must not be null");
		Assert.isTrue(maxRequestSize > 0, "'maxRequestSize' must be positive");
		this.tokens = tokens;
		this.publishing = publishing;
		this.mapper = mapper;
		this.maxRequestSize = maxRequestSize;
	}

	/**
	 * Handle a publish request.
	 * @param request the request
	 * @return {@code 202} with the message id, or a problem response
	 */
	public Mono<ServerResponse> handleRequest(ServerRequest request) {
		TokenClaims claims;
		try {
			claims = this.tokens.verify(RequestTokens.require(request));
		}
		catch (RuntimeException ex) {
			return RealtimeProblems.of(ex);
		}
		return JsonBodies.read(request, this.mapper, this.maxRequestSize)
			.flatMap((body) -> this.publishing.publish(claims, text(body, "channel"), text(body, "topic"),
					body.path("data")))
			.flatMap((message) -> ServerResponse.status(HttpStatus.ACCEPTED)
				.bodyValue(Map.of("id", message.id().toString())))
			.onErrorResume(RealtimeProblems::of);
	}

	static String text(JsonNode body, String field) {
		JsonNode value = body.get(field);
		if (value == null || !value.isString() || value.asString().isEmpty()) {
			throw new IllegalArgumentException("Field '" + field + "' must be a non-empty string");
		}
		return value.asString();
	}

}
