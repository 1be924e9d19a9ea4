package dev.realtime.server.webflux;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import dev.realtime.delivery.StreamLoop;
import dev.realtime.engine.EngineMessage;
import dev.realtime.server.MessageFrames;
import dev.realtime.server.RealtimeCloseStatus;
import dev.realtime.server.WebSocketOutput;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.channel.VoidChannelPromise;
import io.netty.handler.codec.http.websocketx.WebSocketFrameEncoder;
import io.netty.util.concurrent.FastThreadLocal;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.netty.Connection;

import org.springframework.core.log.LogMessage;
import org.springframework.http.server.reactive.AbstractServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.WebSocketSession;
import org.springframework.web.server.ServerWebExchange;

/**
 * Writes WebSocket frames straight to a Reactor Netty channel, below the frame encoder.
 * Frames from server to client are not masked, so each message's frame is encoded once,
 * header included, and every subscriber writes it as it is, from the {@link LoopFrames}
 * of its event loop. Closing goes through WebFlux's session, which writes the close frame
 * after everything written before; if the channel is still open after the write timeout,
 * as when the client stopped reading, it is closed without the frames it could not send.
 *
 * @author Realtime team
 */
final class NettyWebSocketOutput implements WebSocketOutput {

	private static final FastThreadLocal<LoopFrames> MESSAGE_FRAMES = LoopFrames
		.perLoop((message) -> frame(message.frame(MessageFrames.WEB_SOCKET)));

	private static final Log logger = LogFactory.getLog(NettyWebSocketOutput.class);

	private static final ByteBuf PING = Unpooled
		.unreleasableBuffer(Unpooled.directBuffer(2).writeByte(0x89).writeByte(0));

	private final StreamLoop loop;

	private final WebSocketSession session;

	private final Channel channel;

	private final ChannelHandlerContext encoder;

	private final ChannelPromise voidPromise;

	private final Duration writeTimeout;

	private @Nullable List<Runnable> whenWritable;

	/** Whether the channel closes at the latest after the write timeout. */
	private boolean closing;

	private NettyWebSocketOutput(WebSocketSession session, Channel channel, ChannelHandlerContext encoder,
			Duration writeTimeout) {
		this.loop = EventLoopStreamLoop.of(channel.eventLoop());
		this.session = session;
		this.channel = channel;
		this.encoder = encoder;
		this.voidPromise = new VoidChannelPromise(channel, false);
		this.writeTimeout = writeTimeout;
	}

	/**
	 * Return how to write to the sessions of a handshake's upgrade, when the handshake
	 * came to Reactor Netty: the session runs on the handshake's channel.
	 * @param exchange the handshake
	 * @param writeTimeout how long closing may take before the channel is closed without
	 * the frames it could not send
	 * @return creates the output of the upgraded session, which is {@code null} when the
	 * channel has no frame encoder to write below; {@code null} when the request is not
	 * one of Reactor Netty
	 */
	static @Nullable Function<WebSocketSession, @Nullable WebSocketOutput> outputs(ServerWebExchange exchange,
			Duration writeTimeout) {
		Connection connection = connection(exchange);
		if (connection == null) {
			return null;
		}
		Channel channel = connection.channel();
		return (session) -> {
			ChannelHandlerContext encoder = channel.pipeline().context(WebSocketFrameEncoder.class);
			if (encoder == null) {
				return null;
			}
			NettyWebSocketOutput output = new NettyWebSocketOutput(session, channel, encoder, writeTimeout);
			// the client closes: Reactor Netty answers and closes the channel once the
			// answer
			// is sent, which a client that does not read never lets happen
			session.closeStatus().subscribe((status) -> output.loop.execute(output::closeWithin), output::closeFailed);
			return output;
		};
	}

	/**
	 * Return the event loop of a handshake's connection, when the handshake came to
	 * Reactor Netty.
	 * @param exchange the handshake
	 * @return the event loop, or {@code null}
	 */
	static @Nullable EventLoop eventLoop(ServerWebExchange exchange) {
		Connection connection = connection(exchange);
		return (connection != null) ? connection.channel().eventLoop() : null;
	}

	// the Reactor Netty connection behind the request's decorators, if there is one
	private static @Nullable Connection connection(ServerWebExchange exchange) {
		ServerHttpRequest request = exchange.getRequest();
		while (request instanceof ServerHttpRequestDecorator decorator) {
			request = decorator.getDelegate();
		}
		return (request instanceof AbstractServerHttpRequest abstractRequest
				&& nativeRequest(abstractRequest) instanceof Connection connection) ? connection : null;
	}

	private static @Nullable Object nativeRequest(AbstractServerHttpRequest request) {
		try {
			return request.getNativeRequest();
		}
		catch (IllegalStateException ex) {
			// a mock server's request, which has none
			return null;
		}
	}

	@Override
	public StreamLoop loop() {
		return this.loop;
	}

	@Override
	public void writeMessage(EngineMessage message) {
		this.encoder.write(MESSAGE_FRAMES.get().frame(message, this.channel.alloc()), this.voidPromise);
	}

	@Override
	public void writeText(byte[] json) {
		byte[] frame = frame(json);
		this.encoder.write(this.channel.alloc().directBuffer(frame.length).writeBytes(frame), this.voidPromise);
	}

	@Override
	public void ping() {
		this.encoder.write(PING.duplicate(), this.voidPromise);
	}

	@Override
	public void flush() {
		this.encoder.flush();
	}

	@Override
	public boolean isWritable() {
		return this.channel.isWritable();
	}

	@Override
	public void whenWritable(Runnable task) {
		List<Runnable> waiting = this.whenWritable;
		if (waiting != null) {
			waiting.add(task);
			return;
		}
		if (!this.channel.isActive()) {
			return;
		}
		List<Runnable> tasks = new ArrayList<>(2);
		tasks.add(task);
		this.whenWritable = tasks;
		// completes once everything written before it is on the socket
		this.encoder.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener((future) -> {
			this.whenWritable = null;
			if (future.isSuccess()) {
				tasks.forEach(Runnable::run);
			}
		});
	}

	@Override
	public void close(RealtimeCloseStatus realtimeStatus) {
		CloseStatus status = RealtimeWebSocketHandler.closeStatus(realtimeStatus);
		this.session.close(status).subscribe(null, this::closeFailed);
		closeWithin();
	}

	/**
	 * Close the channel if it is still open after the write timeout, dropping what it
	 * could not send.
	 */
	private void closeWithin() {
		if (!this.closing && this.channel.isActive()) {
			this.closing = true;
			Disposable deadline = this.loop.schedule(this.channel::close, this.writeTimeout);
			this.channel.closeFuture().addListener((future) -> deadline.dispose());
		}
	}

	private void closeFailed(Throwable ex) {
		// the client went away first
		logger.debug(LogMessage.format("Closing WebSocket session %s failed", this.session.getId()), ex);
	}

	/**
	 * Return an unmasked text frame.
	 * @param payload the frame's payload
	 * @return the frame: header and payload
	 */
	private static byte[] frame(byte[] payload) {
		int length = payload.length;
		int header = (length < 126) ? 2 : (length < 65536) ? 4 : 10;
		ByteBuffer frame = ByteBuffer.allocate(header + length).put((byte) 0x81);
		if (length < 126) {
			frame.put((byte) length);
		}
		else if (length < 65536) {
			frame.put((byte) 126).putShort((short) length);
		}
		else {
			frame.put((byte) 127).putLong(length);
		}
		return frame.put(payload).array();
	}

}
