package dev.realtime.server.webflux;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;
import java.util.function.IntFunction;

import dev.realtime.engine.EngineMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundInvoker;
import io.netty.channel.ChannelPromise;
import io.netty.channel.VoidChannelPromise;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.HttpServerCodec;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.netty.Connection;
import reactor.netty.NettyPipeline;
import reactor.netty.http.server.HttpServerResponse;

import org.springframework.http.server.reactive.AbstractServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;

/**
 * Writes an SSE stream straight to a Reactor Netty HTTP/1.1 connection. WebFlux commits
 * the status line and headers, so that filters, security headers and CORS apply as to any
 * response; then the handler's {@code Mono} stays pending while the stream writes on the
 * connection's event loop, and completing it makes Reactor Netty write the last chunk,
 * after which the connection serves the next request.
 * <p>
 * Each message's frame is encoded once, with its chunk header, into a direct buffer that
 * every subscriber writes below the HTTP encoder, as it is. When Reactor Netty compresses
 * the response, frames go through the pipeline instead, as HTTP content.
 *
 * @author Realtime team
 */
final class NettySseOutput implements SseOutput {

	private static final Function<EngineMessage, ByteBuf> MESSAGE_CHUNK = (message) -> chunk(
			RealtimeSseHandler.MESSAGE_FRAME.apply(message), NettySseOutput::sharedDirectBuffer);

	private static final byte[] CRLF = { '\r', '\n' };

	private final StreamLoop loop;

	private final Channel channel;

	/**
	 * The HTTP codec to write pre-chunked frames below, {@code null} when compressing.
	 */
	private final @Nullable ChannelHandlerContext codec;

	private final ChannelPromise voidPromise;

	private final MonoSink<Void> done;

	private boolean awaitingWritable;

	private NettySseOutput(Channel channel, @Nullable ChannelHandlerContext codec, MonoSink<Void> done) {
		this.loop = StreamLoop.of(channel.eventLoop());
		this.channel = channel;
		this.codec = codec;
		this.voidPromise = new VoidChannelPromise(channel, false);
		this.done = done;
	}

	/**
	 * Stream a session through Reactor Netty, if the response is an HTTP/1.1 response of
	 * Reactor Netty.
	 * @param response the response
	 * @param session creates the session for the output
	 * @return completes when the stream ended, or {@code null} when the response is not
	 * written by Reactor Netty over HTTP/1.1
	 */
	static @Nullable Mono<Void> stream(ServerHttpResponse response, Function<SseOutput, SseSession> session) {
		ServerHttpResponse actual = response;
		while (actual instanceof ServerHttpResponseDecorator decorator) {
			actual = decorator.getDelegate();
		}
		if (!(actual instanceof AbstractServerHttpResponse abstractResponse)
				|| !(abstractResponse.getNativeResponse() instanceof HttpServerResponse nativeResponse)
				|| !(nativeResponse instanceof Connection connection)
				|| !(connection.channel().pipeline().get(NettyPipeline.HttpCodec) instanceof HttpServerCodec)) {
			return null;
		}
		return response.setComplete()
			.then(Mono.defer(() -> nativeResponse.sendHeaders().then()))
			.then(Mono.create((done) -> {
				Channel channel = connection.channel();
				boolean compressed = channel.pipeline().get(NettyPipeline.CompressionHandler) != null;
				ChannelHandlerContext codec = compressed ? null : channel.pipeline().context(NettyPipeline.HttpCodec);
				SseSession started = session.apply(new NettySseOutput(channel, codec, done));
				done.onDispose(started::cancel);
				started.start();
			}));
	}

	@Override
	public StreamLoop loop() {
		return this.loop;
	}

	@Override
	public void writeMessage(EngineMessage message) {
		if (this.codec != null) {
			this.codec.write(message.frame(MESSAGE_CHUNK).duplicate(), this.voidPromise);
		}
		else {
			writeContent(message.frame(RealtimeSseHandler.MESSAGE_FRAME));
		}
	}

	@Override
	public void write(byte[] frame) {
		if (this.codec != null) {
			this.codec.write(chunk(frame, this.channel.alloc()::directBuffer), this.voidPromise);
		}
		else {
			writeContent(frame);
		}
	}

	private void writeContent(byte[] frame) {
		this.channel.write(new DefaultHttpContent(Unpooled.wrappedBuffer(frame)), this.voidPromise);
	}

	@Override
	public void flush() {
		outbound().flush();
	}

	@Override
	public boolean isWritable() {
		return this.channel.isWritable();
	}

	@Override
	public void whenWritable(Runnable task) {
		if (this.awaitingWritable || !this.channel.isActive()) {
			return;
		}
		this.awaitingWritable = true;
		Object empty = (this.codec != null) ? Unpooled.EMPTY_BUFFER : new DefaultHttpContent(Unpooled.EMPTY_BUFFER);
		// completes once everything written before it is on the socket
		outbound().writeAndFlush(empty).addListener((future) -> {
			this.awaitingWritable = false;
			if (future.isSuccess()) {
				task.run();
			}
		});
	}

	@Override
	public void complete() {
		this.done.success();
	}

	private ChannelOutboundInvoker outbound() {
		return (this.codec != null) ? this.codec : this.channel;
	}

	/**
	 * Return an HTTP chunk holding an SSE frame.
	 * @param frame the SSE frame
	 * @param allocator allocates an empty buffer of the given capacity
	 * @return the chunk
	 */
	private static ByteBuf chunk(byte[] frame, IntFunction<ByteBuf> allocator) {
		byte[] size = Integer.toHexString(frame.length).getBytes(StandardCharsets.US_ASCII);
		return allocator.apply(size.length + frame.length + 2 * CRLF.length)
			.writeBytes(size)
			.writeBytes(CRLF)
			.writeBytes(frame)
			.writeBytes(CRLF);
	}

	/**
	 * Return a direct buffer that is never released: every subscriber writes a duplicate
	 * of it without touching a shared reference count, and its memory goes with the
	 * garbage collection of its message, so a message kept in history keeps its chunk too
	 * (direct memory of about the frame's size). A heap chunk would be copied into a
	 * direct buffer on every write: that measured about 12 % more CPU at S1's knee.
	 * @param capacity the capacity
	 * @return the empty buffer
	 */
	private static ByteBuf sharedDirectBuffer(int capacity) {
		return Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(ByteBuffer.allocateDirect(capacity)).clear());
	}

}
