package dev.realtime.server.webmvc;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.web.server.UnsupportedMediaTypeStatusException;
import org.springframework.web.servlet.function.ServerRequest;

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
	 * @return the tree
	 * @throws UnsupportedMediaTypeStatusException if the body is not JSON
	 * @throws DataBufferLimitException if it is larger than the limit
	 * @throws IllegalArgumentException if it is missing or malformed
	 */
	static JsonNode read(ServerRequest request, JsonMapper mapper, int maxBytes) {
		MediaType contentType = contentType(request);
		if (contentType == null || !isJson(contentType)) {
			throw new UnsupportedMediaTypeStatusException(contentType, SUPPORTED);
		}
		HttpServletRequest servletRequest = request.servletRequest();
		if (servletRequest.getContentLengthLong() > maxBytes) {
			throw tooLarge(maxBytes);
		}
		byte[] body;
		try (InputStream in = servletRequest.getInputStream()) {
			body = in.readNBytes(maxBytes + 1);
		}
		catch (IOException ex) {
			// the client went away while sending: its mistake, not the server's
			throw new IllegalArgumentException("Request body could not be read");
		}
		if (body.length > maxBytes) {
			throw tooLarge(maxBytes);
		}
		if (body.length == 0) {
			throw new IllegalArgumentException("Missing request body");
		}
		try {
			return mapper.readTree(body);
		}
		catch (JacksonException ex) {
			throw new IllegalArgumentException("Malformed JSON body");
		}
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

	private static DataBufferLimitException tooLarge(int maxBytes) {
		return new DataBufferLimitException("Request body is larger than " + maxBytes + " bytes");
	}

}
