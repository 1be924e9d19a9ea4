package dev.realtime.benchmarks.baseline;

import reactor.core.publisher.Mono;

import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.WebSocketSession;

/**
 * Sends every message of the channel named by the last path segment as a text frame.
 *
 * @author Realtime team
 * @since 0.1.0
 */
class BaselineWebSocketHandler implements WebSocketHandler {

	private final BaselineChannels channels;

	BaselineWebSocketHandler(BaselineChannels channels) {
		this.channels = channels;
	}

	@Override
	public Mono<Void> handle(WebSocketSession session) {
		String path = session.getHandshakeInfo().getUri().getPath();
		String channel = path.substring(path.lastIndexOf('/') + 1);
		return session.send(this.channels.subscribe(channel).map(session::textMessage)).and(session.receive().then());
	}

}
