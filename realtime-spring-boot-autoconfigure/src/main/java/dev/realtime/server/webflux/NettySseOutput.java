package dev.realtime.server.webflux;

import java.nio.charset.StandardCharsets;
import java.util.function.Function;

import dev.realtime.engine.EngineMessage;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundInvoker;
import io.netty.channel.ChannelPromise;
import io.netty.channel.VoidChannelPromise;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.concurrent.FastThreadLocal;
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

	private static final FastThreadLocal<LoopFrames> MESSAGE_CHUNKS = LoopFrames
		.perLoop((message) -> chunk(message.frame(RealtimeSseHandler.MESSAGE_FRAME)));

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
				|| !(nativeResponse(abstractResponse) instanceof HttpServerResponse nativeResponse)
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

	private static @Nullable Object nativeResponse(AbstractServerHttpResponse response) {
		try {
			return response.getNativeResponse();
		}
		catch (IllegalStateException ex) {
			// a mock server's response, which has none
			return null;
		}
	}

	@Override
	public StreamLoop loop() {
		return this.loop;
	}

	@Override
	public void writeMessage(EngineMessage message) {
		if (this.codec != null) {
			this.codec.write(MESSAGE_CHUNKS.get().frame(message, this.channel.alloc()), this.voidPromise);
		}
		else {
			writeContent(message.frame(RealtimeSseHandler.MESSAGE_FRAME));
		}
	}

	@Override
	public void write(byte[] frame) {
		if (this.codec != null) {
			byte[] chunk = chunk(frame);
			this.codec.write(this.channel.alloc().directBuffer(chunk.length).writeBytes(chunk), this.voidPromise);
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
	 * @return the chunk: size line, frame, line end
	 */
	private static byte[] chunk(byte[] frame) {
		byte[] size = Integer.toHexString(frame.length).getBytes(StandardCharsets.US_ASCII);
		byte[] chunk = new byte[size.length + frame.length + 4];
		System.arraycopy(size, 0, chunk, 0, size.length);
		chunk[size.length] = '\r';
		chunk[size.length + 1] = '\n';
		System.arraycopy(frame, 0, chunk, size.length + 2, frame.length);
		chunk[chunk.length - 2] = '\r';
		chunk[chunk.length - 1] = '\n';
		return chunk;
	}

}
