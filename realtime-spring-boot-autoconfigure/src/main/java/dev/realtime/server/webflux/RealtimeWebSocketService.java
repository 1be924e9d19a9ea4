package dev.realtime.server.webflux;

import java.net.URI;
import java.util.List;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.core.log.LogMessage;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.server.support.HandshakeWebSocketService;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * Checks the {@code Origin} of WebSocket handshakes before upgrading: the same origin by
 * default, or one of {@code realtime.websocket.allowed-origins}. Browsers always send an
 * Origin, so a page on another site cannot open a socket with a user's cookies or tokens
 * unless the application allows it.
 *
 * @author Realtime team
 * @since 0.1.0
 */
public final class RealtimeWebSocketService extends HandshakeWebSocketService {

	private static final Log logger = LogFactory.getLog(RealtimeWebSocketService.class);

	private final List<String> allowedOrigins;

	/**
	 * Create a new instance.
	 * @param allowedOrigins origins allowed besides the same origin; {@code "*"} allows
	 * any
	 */
	public RealtimeWebSocketService(List<String> allowedOrigins) {
		this.allowedOrigins = allowedOrigins.stream().map(RealtimeWebSocketService::normalize).toList();
	}

	@Override
	public Mono<Void> handleRequest(ServerWebExchange exchange, WebSocketHandler handler) {
		String origin = exchange.getRequest().getHeaders().getFirst(HttpHeaders.ORIGIN);
		if (origin != null && !isAllowed(exchange.getRequest(), origin)) {
			logger.debug(LogMessage.format("Rejected WebSocket handshake from origin %s", origin));
			exchange.getResponse().setStatusCode(HttpStatus.FORBIDDEN);
			return exchange.getResponse().setComplete();
		}
		return super.handleRequest(exchange, handler);
	}

	private boolean isAllowed(ServerHttpRequest request, String origin) {
		if (this.allowedOrigins.contains("*")) {
			return true;
		}
		String normalized = normalize(origin);
		return this.allowedOrigins.contains(normalized) || normalized.equals(origin(request.getURI()));
	}

	private static String normalize(String origin) {
		if (origin.equals("*")) {
			return origin;
		}
		try {
			String normalized = origin(UriComponentsBuilder.fromUriString(origin).build().toUri());
			return (normalized != null) ? normalized : origin;
		}
		catch (IllegalArgumentException ex) {
			return origin;
		}
	}

	private static @Nullable String origin(URI uri) {
		String scheme = (uri.getScheme() != null) ? uri.getScheme().toLowerCase() : null;
		if (scheme == null || uri.getHost() == null) {
			return null;
		}
		boolean secure = scheme.equals("https") || scheme.equals("wss");
		int port = (uri.getPort() != -1) ? uri.getPort() : (secure ? 443 : 80);
		return (secure ? "https" : "http") + "://" + uri.getHost().toLowerCase() + ":" + port;
	}

}
