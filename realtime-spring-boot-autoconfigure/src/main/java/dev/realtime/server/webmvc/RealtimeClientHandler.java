package dev.realtime.server.webmvc;

import dev.realtime.server.ClientAssets;
import dev.realtime.server.RealtimeHub;

import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.util.Assert;
import org.springframework.web.servlet.function.ServerRequest;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * Serves the browser client modules and the channel declarations ({@link ClientAssets}):
 * {@code GET {base}/client.js}, {@code react.js} and {@code channels.d.ts}.
 *
 * @author Realtime team
 * @since 0.1.0
 */
public final class RealtimeClientHandler {

	private final ClientAssets assets;

	/**
	 * Create a new handler of the hub's assets.
	 * @param hub the hub
	 */
	public RealtimeClientHandler(RealtimeHub hub) {
		this(hub.clientAssets());
	}

	/**
	 * Create a new handler.
	 * @param assets the assets to serve
	 */
	public RealtimeClientHandler(ClientAssets assets) {
		Assert.notNull(assets, "'assets' must not be null");
		this.assets = assets;
	}

	/**
	 * Serve one asset, named by the last path segment of the request.
	 * @param request the request
	 * @return the asset, {@code 304} when unchanged, or {@code 404}
	 */
	public ServerResponse handleRequest(ServerRequest request) {
		ClientAssets.Asset asset = this.assets.find(request.path());
		if (asset == null) {
			return ProblemResponses.of(HttpStatus.NOT_FOUND, "No such client asset");
		}
		if (asset.isNotModified(request.headers().header("If-None-Match"))) {
			return ServerResponse.status(HttpStatus.NOT_MODIFIED).eTag(asset.etag()).build();
		}
		return ServerResponse.ok()
			.contentType(asset.type())
			.cacheControl(CacheControl.noCache())
			.eTag(asset.etag())
			.body(asset.content());
	}

}
