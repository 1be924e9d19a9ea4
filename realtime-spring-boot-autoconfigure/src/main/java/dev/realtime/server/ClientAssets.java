package dev.realtime.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.http.MediaType;
import org.springframework.util.Assert;
import org.springframework.util.DigestUtils;

/**
 * The browser client ({@code client.js}, {@code react.js}) packaged with the library and
 * the TypeScript declarations of the application's channels ({@code channels.d.ts}),
 * served so that a page can {@code import} them with no build step. Contents are read
 * once.
 *
 * @author Realtime team
 * @since 0.1.0
 */
public final class ClientAssets {

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
	 * Read the assets with the given class loader.
	 * @param classLoader the class loader of the application
	 */
	public ClientAssets(ClassLoader classLoader) {
		Assert.notNull(classLoader, "'classLoader' must not be null");
		this.assets = Map.of("client.js", asset(classLoader, CLIENT_LOCATION + "client.js", JAVASCRIPT), "react.js",
				asset(classLoader, CLIENT_LOCATION + "react.js", JAVASCRIPT), "channels.d.ts",
				asset(classLoader, DECLARATIONS_LOCATION, TYPESCRIPT));
	}

	/**
	 * Return the asset a request path names with its last segment.
	 * @param path the request path
	 * @return the asset, or {@code null} when there is none of that name or it is empty
	 */
	public @Nullable Asset find(String path) {
		Asset asset = this.assets.get(path.substring(path.lastIndexOf('/') + 1));
		return (asset != null && !asset.content().isEmpty()) ? asset : null;
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

	/**
	 * One asset.
	 *
	 * @param content its text
	 * @param type its content type
	 * @param etag its entity tag, quoted
	 */
	public record Asset(String content, MediaType type, String etag) {

		/**
		 * Tell whether an {@code If-None-Match} header names this asset's current
		 * content.
		 * @param ifNoneMatch the header's values
		 * @return whether {@code 304} answers the request
		 */
		public boolean isNotModified(Iterable<String> ifNoneMatch) {
			for (String tag : ifNoneMatch) {
				if (tag.equals(this.etag)) {
					return true;
				}
			}
			return false;
		}

	}

}
