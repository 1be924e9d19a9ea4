package dev.realtime.server.webmvc;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import dev.realtime.delivery.StreamLoop;
import dev.realtime.engine.EngineMessage;
import dev.realtime.server.MessageFrames;
import dev.realtime.server.RealtimeCloseStatus;
import dev.realtime.server.WebSocketOutput;
import jakarta.websocket.CloseReason;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;

import org.springframework.core.log.LogMessage;

/**
 * Writes WebSocket frames to a Jakarta WebSocket session without blocking: one text frame
 * is with the container at a time, through its asynchronous remote endpoint, and the
 * others wait, in order, until it is sent. The connection counts as writable while only a
 * few frames wait. Closing waits until the frames written before are sent, for at most
 * the write timeout: then the frames still waiting are dropped and the session is closed,
 * so that a client which stopped reading does not keep it open.
 * <p>
 * Pings and the close frame go through the container's blocking calls, which Tomcat
 * bounds by the write timeout here; they are sent only when no text frame is on its way,
 * so they never wait behind a slow client for long.
 *
 * @author Realtime team
 */
final class ServletWebSocketOutput implements WebSocketOutput {

	private static final Log logger = LogFactory.getLog(ServletWebSocketOutput.class);

	/** The text of a message's frame, decoded once per message and shared. */
	static final Function<EngineMessage, String> MESSAGE_TEXT = (message) -> new String(
			message.frame(MessageFrames.WEB_SOCKET), StandardCharsets.UTF_8);

	/** Tomcat's bound on its blocking sends, in milliseconds. */
	private static final String TOMCAT_BLOCKING_SEND_TIMEOUT = "org.apache.tomcat.websocket.BLOCKING_SEND_TIMEOUT";

	private static final int MAX_WAITING = 16;

	private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

	private final StreamLoop loop;

	private final Session session;

	private final RemoteEndpoint.Async remote;

	private final Duration writeTimeout;

	private final ArrayDeque<String> waiting = new ArrayDeque<>(4);

	private final List<Runnable> whenWritable = new ArrayList<>(2);

	private boolean sending;

	private @Nullable RealtimeCloseStatus closing;

	private @Nullable Disposable cutOff;

	private boolean closed;

	ServletWebSocketOutput(StreamLoop loop, Session session, Duration writeTimeout) {
		this.loop = loop;
		this.session = session;
		this.remote = session.getAsyncRemote();
		this.writeTimeout = writeTimeout;
		session.getUserProperties().put(TOMCAT_BLOCKING_SEND_TIMEOUT, writeTimeout.toMillis());
	}

	@Override
	public StreamLoop loop() {
		return this.loop;
	}

	@Override
	public void writeMessage(EngineMessage message) {
		send(message.frame(MESSAGE_TEXT));
	}

	@Override
	public void writeText(byte[] json) {
		send(new String(json, StandardCharsets.UTF_8));
	}

	private void send(String text) {
		if (this.closing != null || this.closed) {
			return;
		}
		this.waiting.add(text);
		if (!this.sending) {
			sendNext();
		}
	}

	private void sendNext() {
		String next = this.waiting.poll();
		if (next == null) {
			this.sending = false;
			if (this.closing != null) {
				closeNow(this.closing);
			}
			else {
				runWhenWritable();
			}
			return;
		}
		this.sending = true;
		try {
			this.remote.sendText(next, this::sent);
		}
		catch (RuntimeException ex) {
			failed(ex);
		}
	}

	// on the container's thread, or on the loop when the container sent at once
	private void sent(SendResult result) {
		this.loop.execute(() -> {
			if (result.isOK()) {
				sendNext();
			}
			else {
				failed(result.getException());
			}
		});
	}

	@Override
	public void ping() {
		if (this.sending || this.closing != null || this.closed) {
			return;
		}
		try {
			this.remote.sendPing(EMPTY.duplicate());
		}
		catch (IOException | RuntimeException ex) {
			failed(ex);
		}
	}

	@Override
	public void flush() {
	}

	@Override
	public boolean isWritable() {
		return !this.closed && this.closing == null && this.waiting.size() < MAX_WAITING;
	}

	@Override
	public void whenWritable(Runnable task) {
		this.whenWritable.add(task);
		runWhenWritable();
	}

	private void runWhenWritable() {
		if (isWritable() && !this.whenWritable.isEmpty()) {
			List<Runnable> tasks = List.copyOf(this.whenWritable);
			this.whenWritable.clear();
			tasks.forEach(Runnable::run);
		}
	}

	@Override
	public void close(RealtimeCloseStatus status) {
		if (this.closing != null || this.closed) {
			return;
		}
		this.closing = status;
		this.whenWritable.clear();
		if (!this.sending) {
			closeNow(status);
		}
		else {
			this.cutOff = this.loop.schedule(() -> {
				logger.debug("Closing a WebSocket session whose client did not take its last frames in time");
				closeNow(status);
			}, this.writeTimeout);
		}
	}

	private void closeNow(RealtimeCloseStatus status) {
		if (this.closed) {
			return;
		}
		this.closed = true;
		this.waiting.clear();
		Disposable cutOff = this.cutOff;
		if (cutOff != null) {
			cutOff.dispose();
		}
		try {
			// a container that sends the close frame without blocking (Jetty) keeps the
			// connection until it is idle this long, however slow the client
			this.session.setMaxIdleTimeout(this.writeTimeout.toMillis());
			this.session.close(new CloseReason(CloseReason.CloseCodes.getCloseCode(status.code()), status.reason()));
		}
		catch (IOException | RuntimeException ex) {
			logger.debug(LogMessage.format("Closing WebSocket session %s failed: %s", this.session.getId(),
					ex.getMessage()));
		}
	}

	private void failed(Throwable ex) {
		if (!this.closed) {
			logger.debug(LogMessage.format("Writing to WebSocket session %s failed: %s", this.session.getId(),
					ex.getMessage()));
			closeNow(RealtimeCloseStatus.SERVER_ERROR);
		}
	}

}
