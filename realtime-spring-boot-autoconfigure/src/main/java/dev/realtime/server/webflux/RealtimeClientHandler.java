package dev.realtime.server.webflux;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Map;

import reactor.core.publisher.Mono;

import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.util.Assert;
import org.springframework.util.DigestUtils;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * Serves the browser client ({@code client.js}, {@code react.js}) packaged with the
 * library and the TypeScript declarations of the application's channels
 * ({@code channels.d.ts}), so that a page can {@code import} them with no build step.
 * Contents are read once.
 *
 * @author Realtime team
 * @since 0.1.0
 */
public final class RealtimeClientHandler {

	/**
	 * Where the library packages the browser client.
	 */
	public static final String CLIENT_LOCATION = "META-INF/realtime/client/";

	/**
	 * Where the annotation processor writes the channel declarations.
	 */
	public static final String DECLARATIONS_LOCATION = "META-INF/realtime/channels.d.ts";

	private static final MediaType JAVASCRIPT = MediaType.parseMediaType("text/javascript;charset=UTF-8");

	private static final MediaType TYPESCRIPT = MediaType.parseMediaType("application/typescript;charset=UTF-8");

	private final Map<String, Asset> assets;

	/**
	 * Create a new handler reading from the given class loader.
	 * @param classLoader the class loader of the application
	 */
	public RealtimeClientHandler(ClassLoader classLoader) {
		Assert.notNull(classLoader, "'classLoader' must not be null");
		this.assets = Map.of("client.js", asset(classLoader, CLIENT_LOCATION + "client.js", JAVASCRIPT), "react.js",
				asset(classLoader, CLIENT_LOCATION + "react.js", JAVASCRIPT), "channels.d.ts",
				asset(classLoader, DECLARATIONS_LOCATION, TYPESCRIPT));
	}

	/**
	 * Serve one asset, named by the last path segment of the request.
	 * @param request the request
	 * @return the asset, {@code 304} when unchanged, or {@code 404}
	 */
	public Mono<ServerResponse> handleRequest(ServerRequest request) {
		String path = request.path();
		Asset asset = this.assets.get(path.substring(path.lastIndexOf('/') + 1));
		if (asset == null || asset.content().isEmpty()) {
			return RealtimeProblems.of(HttpStatus.NOT_FOUND, "No such client asset");
		}
		if (request.headers().header("If-None-Match").contains(asset.etag())) {
			return ServerResponse.status(HttpStatus.NOT_MODIFIED).eTag(asset.etag()).build();
		}
		return ServerResponse.ok()
			.contentType(asset.type())
			.cacheControl(CacheControl.noCache())
			.eTag(asset.etag())
			.bodyValue(asset.content());
	}

	private static Asset asset(ClassLoader classLoader, String location, MediaType type) {
		StringBuilder content = new StringBuilder();
		try {
			for (URL url : Collections.list(classLoader.getResources(location))) {
				try (InputStream in = url.openStream()) {
					content.append(new String(in.readAllBytes(), StandardCharsets.UTF_8));
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read " + location, ex);
		}
		String text = content.toString();
		String etag = "\"" + DigestUtils.md5DigestAsHex(text.getBytes(StandardCharsets.UTF_8)) + "\"";
		return new Asset(text, type, etag);
	}

	private record Asset(String content, MediaType type, String etag) {
	}

}
