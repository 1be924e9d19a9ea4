package dev.realtime.server.webflux;

import java.util.List;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.BodyExtractors;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.server.UnsupportedMediaTypeStatusException;

/**
 * Reads the small JSON bodies of the token and publish requests: JSON only
 * ({@code application/json} or {@code application/*+json}), and no more bytes than a
 * limit, which is enforced while the body arrives, so that no request makes the server
 * buffer more.
 *
 * @author Realtime team
 */
final class JsonBodies {

	private static final List<MediaType> SUPPORTED = List.of(MediaType.APPLICATION_JSON);

	private JsonBodies() {
	}

	/**
	 * Read a request's body as a JSON tree.
	 * @param request the request
	 * @param mapper the mapper
	 * @param maxBytes the largest body accepted
	 * @return the tree; an {@link UnsupportedMediaTypeStatusException} when the body is
	 * not JSON, a {@link DataBufferLimitException} when it is larger than the limit, an
	 * {@link IllegalArgumentException} when it is missing or malformed
	 */
	static Mono<JsonNode> read(ServerRequest request, JsonMapper mapper, int maxBytes) {
		MediaType contentType = contentType(request);
		if (contentType == null || !isJson(contentType)) {
			return Mono.error(() -> new UnsupportedMediaTypeStatusException(contentType, SUPPORTED));
		}
		if (request.headers().contentLength().orElse(0) > maxBytes) {
			return Mono.error(() -> tooLarge(maxBytes));
		}
		return DataBufferUtils.join(request.body(BodyExtractors.toDataBuffers()), maxBytes)
			.onErrorMap(DataBufferLimitException.class, (ex) -> tooLarge(maxBytes))
			.map((body) -> parse(mapper, body))
			.switchIfEmpty(Mono.error(() -> new IllegalArgumentException("Missing request body")));
	}

	private static @Nullable MediaType contentType(ServerRequest request) {
		try {
			return request.headers().contentType().orElse(null);
		}
		catch (InvalidMediaTypeException ex) {
			return null;
		}
	}

	private static boolean isJson(MediaType contentType) {
		return contentType.getType().equals("application")
				&& (contentType.getSubtype().equals("json") || contentType.getSubtype().endsWith("+json"));
	}

	private static JsonNode parse(JsonMapper mapper, DataBuffer body) {
		try {
			return mapper.readTree(body.asInputStream());
		}
		catch (JacksonException ex) {
			throw new IllegalArgumentException("Malformed JSON body");
		}
		finally {
			DataBufferUtils.release(body);
		}
	}

	private static DataBufferLimitException tooLarge(int maxBytes) {
		return new DataBufferLimitException("Request body is larger than " + maxBytes + " bytes");
	}

}
