package dev.realtime.server.webflux;

import java.util.Map;

import dev.realtime.token.RealtimeTokens;
import dev.realtime.token.TokenClaims;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

import org.springframework.http.HttpStatus;
import org.springframework.util.Assert;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.server.ServerWebInputException;

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

	RealtimePublishHandler(RealtimeTokens tokens, ClientPublishing publishing) {
		Assert.notNull(tokens, "'tokens' must not be null");
		Assert.notNull(publishing, "'publishing' must not be null");
		this.tokens = tokens;
		this.publishing = publishing;
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
		return request.bodyToMono(JsonNode.class)
			.switchIfEmpty(Mono.error(() -> new IllegalArgumentException("Missing request body")))
			.flatMap((body) -> this.publishing.publish(claims, text(body, "channel"), text(body, "topic"),
					body.path("data")))
			.flatMap((message) -> ServerResponse.status(HttpStatus.ACCEPTED)
				.bodyValue(Map.of("id", message.id().toString())))
			.onErrorResume(ServerWebInputException.class,
					(ex) -> RealtimeProblems.of(HttpStatus.BAD_REQUEST, "Malformed JSON body"))
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
