package dev.realtime.server.webmvc;

import java.util.ArrayDeque;
import java.util.function.Supplier;

import dev.realtime.server.RealtimeCloseStatus;
import dev.realtime.server.RealtimeHub;
import dev.realtime.server.WebSocketConnection;
import jakarta.websocket.Session;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.core.log.LogMessage;
import org.springframework.util.Assert;
import org.springframework.web.socket.BinaryMessage;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.WebSocketMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.adapter.NativeWebSocketSession;

/**
 * The realtime WebSocket protocol on {@code GET {base}/ws} through Spring's servlet
 * WebSocket support: one connection carries several channel subscriptions, each
 * authorized by its own token, refreshed in-band. The state of each connection lives in
 * its {@link WebSocketConnection}, kept in the session's attributes; its frames are
 * written without blocking through the Jakarta WebSocket session underneath (Tomcat,
 * Jetty and Undertow all provide one).
 * <p>
 * The client's frames are handled one at a time, in order: the container hands them over
 * as they arrive, and those that wait for the previous one queue up. A client that sends
 * more than a few frames the server has not handled yet is closed as too fast
 * ({@code 4429}), so that no connection makes the server buffer without bound.
 *
 * @author Realtime team
 * @since 0.1.0
 */
public final class RealtimeWebSocketHandler implements WebSocketHandler {

	private static final Log logger = LogFactory.getLog(RealtimeWebSocketHandler.class);

	private static final String INBOUND = RealtimeWebSocketHandler.class.getName() + ".inbound";

	private static final int MAX_PENDING_FRAMES = 64;

	private final RealtimeHub hub;

	/**
	 * Create a new handler.
	 * @param hub the hub
	 */
	public RealtimeWebSocketHandler(RealtimeHub hub) {
		Assert.notNull(hub, "'hub' must not be null");
		this.hub = hub;
	}

	@Override
	public void afterConnectionEstablished(WebSocketSession session) throws Exception {
		Session nativeSession = (session instanceof NativeWebSocketSession standard)
				? standard.getNativeSession(Session.class) : null;
		if (nativeSession == null) {
			logger.error(LogMessage.format("Realtime WebSocket needs a Jakarta WebSocket session, not %s",
					session.getClass().getName()));
			session.close(CloseStatus.SERVER_ERROR);
			return;
		}
		// a publish frame carries a payload of up to the message size
		session.setTextMessageSizeLimit(this.hub.maxPublishRequestSize());
		WebSocketConnection connection = this.hub.webSocketConnection(
				new ServletWebSocketOutput(this.hub.workerLoop(), nativeSession, this.hub.writeTimeout()));
		session.getAttributes().put(INBOUND, new Inbound(connection));
		connection.start();
	}

	@Override
	public void handleMessage(WebSocketSession session, WebSocketMessage<?> message) {
		Inbound inbound = inbound(session);
		if (inbound == null) {
			return;
		}
		if (message instanceof TextMessage text) {
			inbound.offer(() -> inbound.connection.onText(text.getPayload()));
		}
		else if (message instanceof BinaryMessage) {
			inbound.offer(inbound.connection::onBinary);
		}
		// pings are answered by the container, and pongs need nothing
	}

	@Override
	public void handleTransportError(WebSocketSession session, Throwable exception) {
		logger.debug(LogMessage.format("WebSocket session %s failed: %s", session.getId(), exception.getMessage()));
	}

	@Override
	public void afterConnectionClosed(WebSocketSession session, CloseStatus closeStatus) {
		Inbound inbound = inbound(session);
		if (inbound != null) {
			inbound.connection.disconnected();
		}
	}

	@Override
	public boolean supportsPartialMessages() {
		return false;
	}

	private static @Nullable Inbound inbound(WebSocketSession session) {
		return (Inbound) session.getAttributes().get(INBOUND);
	}

	/**
	 * The frames of one connection that wait for the one being handled.
	 */
	private static final class Inbound {

		private final WebSocketConnection connection;

		private final ArrayDeque<Supplier<Mono<Void>>> pending = new ArrayDeque<>(2);

		private boolean handling;

		private boolean overrun;

		Inbound(WebSocketConnection connection) {
			this.connection = connection;
		}

		// on the container's thread, one frame at a time
		void offer(Supplier<Mono<Void>> frame) {
			synchronized (this) {
				if (this.overrun) {
					return;
				}
				if (this.pending.size() >= MAX_PENDING_FRAMES) {
					this.overrun = true;
					this.pending.clear();
					logger.debug("Closing a WebSocket connection whose client sends faster than it is answered");
					this.connection.close(RealtimeCloseStatus.TOO_SLOW.withReason("Too many frames at once"));
					return;
				}
				this.pending.add(frame);
				if (this.handling) {
					return;
				}
				this.handling = true;
			}
			handleNext();
		}

		private void handleNext() {
			Supplier<Mono<Void>> next;
			synchronized (this) {
				next = this.pending.poll();
				if (next == null) {
					this.handling = false;
					return;
				}
			}
			next.get().subscribe(null, (ex) -> {
				logger.error("Handling a realtime WebSocket frame failed", ex);
				this.connection.close(RealtimeCloseStatus.SERVER_ERROR);
			}, this::handleNext);
		}

	}

}
