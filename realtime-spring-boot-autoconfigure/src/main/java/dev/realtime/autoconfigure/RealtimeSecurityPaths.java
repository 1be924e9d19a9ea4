package dev.realtime.autoconfigure;

import java.util.ArrayList;
import java.util.List;

import dev.realtime.server.RealtimeHub;

/**
 * The paths of the realtime endpoints that authenticate with a subscription token rather
 * than with the application's security, derived from the endpoints that are enabled. The
 * token endpoint is never among them: the application authenticates its caller.
 *
 * @param all every such path, to permit
 * @param posts those that take a {@code POST}, to exempt from CSRF protection: their
 * credential is a bearer token, never a cookie
 * @author Realtime team
 */
record RealtimeSecurityPaths(List<String> all, List<String> posts) {

	static RealtimeSecurityPaths of(RealtimeProperties properties, RealtimeHub hub) {
		String base = properties.getBasePath();
		List<String> all = new ArrayList<>();
		List<String> posts = new ArrayList<>();
		if (properties.getSse().isEnabled()) {
			all.add(base + "/sse");
			if (hub.isTicketEnabled()) {
				posts.add(base + "/ticket");
			}
		}
		if (properties.getWebsocket().isEnabled()) {
			all.add(base + "/ws");
		}
		if (properties.getPublish().isEnabled()) {
			posts.add(base + "/publish");
		}
		if (hub.isCancelEnabled()) {
			posts.add(base + "/runs/*/cancel");
		}
		if (hub.isPresenceEnabled()) {
			all.add(base + "/presence");
		}
		if (properties.getClient().isEnabled()) {
			all.addAll(List.of(base + "/client.js", base + "/react.js", base + "/channels.d.ts"));
		}
		all.addAll(posts);
		return new RealtimeSecurityPaths(List.copyOf(all), List.copyOf(posts));
	}

	boolean isEmpty() {
		return this.all.isEmpty();
	}

}
