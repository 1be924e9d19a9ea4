package dev.realtime.server.webflux;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Function;

import dev.realtime.delivery.StreamLoop;
import dev.realtime.engine.EngineMessage;
import dev.realtime.server.MessageFrames;
import dev.realtime.server.SseOutput;
import dev.realtime.server.SseSession;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundInvoker;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.channel.VoidChannelPromise;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.concurrent.FastThreadLocal;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.NettyPipeline;
import reactor.netty.http.server.HttpServerResponse;

import org.springframework.http.server.reactive.AbstractServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.util.Assert;

/**
 * Writes an SSE stream straight to a Reactor Netty HTTP/1.1 connection. WebFlux commits
 * the status line and headers, so that filters, security headers and CORS apply as to any
 * response; then the handler's {@code Mono}, this output, stays pending while the stream
 * writes on the connection's event loop, and completing it makes Reactor Netty write the
 * last chunk, after which the connection serves the next request.
 * <p>
 * Each message's frame is encoded once, with its chunk header, into a direct buffer that
 * every subscriber writes below the HTTP encoder, as it is. When Reactor Netty compresses
 * the response, frames go through the pipeline instead, as HTTP content.
 * <p>
 * An open stream is this object, its session and what WebFlux holds for any response: the
 * output is its own {@code Mono}, subscribed once by WebFlux, instead of a chain of
 * operators that would stay behind the pending stream.
 *
 * @author Realtime team
 */
final class NettySseOutput extends Mono<Void> implements SseOutput, CoreSubscriber<Void>, Subscription {

	private static final FastThreadLocal<LoopFrames> MESSAGE_CHUNKS = LoopFrames
		.perLoop((message) -> chunk(message.frame(MessageFrames.SSE)));

	private final StreamLoop loop;

	private final Channel channel;

	/**
	 * The HTTP codec to write pre-chunked frames below, {@code null} when compressing,
	 * which Reactor Netty decides as it sends the head.
	 */
	private @Nullable ChannelHandlerContext codec;

	private final ChannelPromise voidPromise;

	private final Duration writeTimeout;

	/** The response until WebFlux committed it, then {@code null}. */
	private @Nullable ServerHttpResponse committing;

	/** Reactor Netty's response until it sent the head, then {@code null}. */
	private @Nullable HttpServerResponse sending;

	/** Creates the session once the headers are sent, then {@code null}. */
	private @Nullable Function<SseOutput, SseSession> sessions;

	/** The sending of the headers, while it runs. */
	private volatile @Nullable Subscription commit;

	private volatile @Nullable SseSession session;

	private volatile boolean cancelled;

	private @Nullable CoreSubscriber<? super Void> actual;

	private boolean awaitingWritable;

	private NettySseOutput(ServerHttpResponse response, HttpServerResponse nativeResponse, Channel channel,
			Duration writeTimeout, Function<SseOutput, SseSession> sessions) {
		this.loop = EventLoopStreamLoop.of(channel.eventLoop());
		this.channel = channel;
		this.voidPromise = new VoidChannelPromise(channel, false);
		this.writeTimeout = writeTimeout;
		this.committing = response;
		this.sending = nativeResponse;
		this.sessions = sessions;
	}

	/**
	 * Stream a session through Reactor Netty, if the response is an HTTP/1.1 response of
	 * Reactor Netty.
	 * @param response the response, its status and headers set
	 * @param writeTimeout how long the end of the stream may take to be sent before the
	 * connection is closed
	 * @param sessions creates the session for the output
	 * @return completes when the stream ended, or {@code null} when the response is not
	 * written by Reactor Netty over HTTP/1.1
	 */
	static @Nullable Mono<Void> stream(ServerHttpResponse response, Duration writeTimeout,
			Function<SseOutput, SseSession> sessions) {
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
		return new NettySseOutput(response, nativeResponse, connection.channel(), writeTimeout, sessions);
	}

	/**
	 * Start: WebFlux commits the response (status, headers, cookies, before-commit
	 * actions), then Reactor Netty sends the head, then the session starts.
	 */
	@Override
	public void subscribe(CoreSubscriber<? super Void> actual) {
		this.actual = actual;
		actual.onSubscribe(this);
		ServerHttpResponse response = this.committing;
		if (response != null) {
			response.setComplete().subscribe(this);
		}
	}

	@Override
	public void onSubscribe(Subscription subscription) {
		this.commit = subscription;
		if (this.cancelled) {
			subscription.cancel();
		}
		else {
			subscription.request(Long.MAX_VALUE);
		}
	}

	@Override
	public void onNext(Void ignored) {
	}

	@Override
	public void onError(Throwable ex) {
		this.commit = null;
		this.committing = null;
		this.sending = null;
		this.sessions = null;
		actual().onError(ex);
	}

	/**
	 * WebFlux committed the response: send the head. The head is sent: start the session,
	 * on the event loop that sent it.
	 */
	@Override
	public void onComplete() {
		this.commit = null;
		HttpServerResponse sending = this.sending;
		if (this.committing != null && sending != null) {
			this.committing = null;
			if (!this.cancelled) {
				sending.sendHeaders().then().subscribe(this);
			}
			return;
		}
		Function<SseOutput, SseSession> sessions = this.sessions;
		this.sending = null;
		this.sessions = null;
		if (sessions == null || this.cancelled) {
			return;
		}
		ChannelPipeline pipeline = this.channel.pipeline();
		if (pipeline.get(NettyPipeline.CompressionHandler) == null) {
			this.codec = pipeline.context(NettyPipeline.HttpCodec);
		}
		SseSession started = sessions.apply(this);
		this.session = started;
		if (this.cancelled) {
			started.cancel();
		}
		else {
			started.start();
		}
	}

	@Override
	public void request(long n) {
	}

	/**
	 * The client is gone: stop the stream without writing anything more.
	 */
	@Override
	public void cancel() {
		this.cancelled = true;
		Subscription commit = this.commit;
		if (commit != null) {
			commit.cancel();
		}
		SseSession session = this.session;
		if (session != null) {
			session.cancel();
		}
	}

	private CoreSubscriber<? super Void> actual() {
		CoreSubscriber<? super Void> actual = this.actual;
		Assert.state(actual != null, "Not subscribed");
		return actual;
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
			writeContent(message.frame(MessageFrames.SSE));
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
		sent().addListener((future) -> {
			this.awaitingWritable = false;
			if (future.isSuccess()) {
				task.run();
			}
		});
	}

	/**
	 * End the response, and close the connection if what was written is not on the socket
	 * within the write timeout: a client that does not read would otherwise hold it, and
	 * the frames waiting for it, for as long as it stays connected.
	 */
	@Override
	public void complete() {
		ChannelFuture sent = sent();
		if (!sent.isDone()) {
			Disposable deadline = this.loop.schedule(this.channel::close, this.writeTimeout);
			sent.addListener((future) -> deadline.dispose());
		}
		actual().onComplete();
	}

	/**
	 * Return when everything written so far is on the socket.
	 * @return completes once an empty write after everything else is flushed
	 */
	private ChannelFuture sent() {
		Object empty = (this.codec != null) ? Unpooled.EMPTY_BUFFER : new DefaultHttpContent(Unpooled.EMPTY_BUFFER);
		return outbound().writeAndFlush(empty);
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
