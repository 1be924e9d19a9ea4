package dev.realtime.benchmarks;

import java.nio.charset.StandardCharsets;

import dev.realtime.benchmarks.LoadGenerator.SubscriptionSpec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.jspecify.annotations.Nullable;

/**
 * One subscription on a raw connection: writes the HTTP request (an SSE GET or a
 * WebSocket upgrade, then an optional first text frame), checks the status line, and
 * scans everything after the headers for delivery stamps. Neither SSE, chunked encoding
 * nor WebSocket frames need decoding to find them, which keeps the load generator cheap.
 *
 * @author Realtime team
 * @since 0.1.0
 */
final class RawSubscriber extends ChannelInboundHandlerAdapter {

	private final byte[] request;

	private final byte @Nullable [] firstFrame;

	private final int expectedStatus;

	private final Deliveries deliveries;

	private final DeliveryScanner scanner;

	private final Runnable opened;

	private @Nullable ByteBuf head = Unpooled.buffer(512);

	private volatile boolean closing;

	RawSubscriber(SubscriptionSpec spec, Deliveries deliveries, Runnable opened) {
		String headers = spec.webSocket()
				? "Upgrade: websocket\r\nConnection: Upgrade\r\n"
						+ "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
				: "Accept: text/event-stream\r\n";
		if (spec.authorization() != null) {
			headers += "Authorization: " + spec.authorization() + "\r\n";
		}
		this.request = ("GET " + spec.path() + " HTTP/1.1\r\nHost: 127.0.0.1:" + spec.port() + "\r\n" + headers
				+ "\r\n")
			.getBytes(StandardCharsets.US_ASCII);
		String firstFrame = spec.firstFrame();
		this.firstFrame = (firstFrame != null) ? maskedTextFrame(firstFrame) : null;
		this.expectedStatus = spec.webSocket() ? 101 : 200;
		this.deliveries = deliveries;
		this.scanner = new DeliveryScanner(deliveries);
		this.opened = opened;
	}

	/**
	 * A client text frame: clients must mask, and a zero key leaves the payload as is.
	 */
	private static byte[] maskedTextFrame(String text) {
		byte[] payload = text.getBytes(StandardCharsets.UTF_8);
		int header = (payload.length < 126) ? 2 : 4;
		byte[] frame = new byte[header + 4 + payload.length];
		frame[0] = (byte) 0x81;
		if (payload.length < 126) {
			frame[1] = (byte) (0x80 | payload.length);
		}
		else {
			frame[1] = (byte) (0x80 | 126);
			frame[2] = (byte) (payload.length >> 8);
			frame[3] = (byte) payload.length;
		}
		System.arraycopy(payload, 0, frame, header + 4, payload.length);
		return frame;
	}

	@Override
	public void channelActive(ChannelHandlerContext context) {
		context.writeAndFlush(Unpooled.wrappedBuffer(this.request));
	}

	@Override
	public void channelRead(ChannelHandlerContext context, Object message) {
		ByteBuf buffer = (ByteBuf) message;
		try {
			if (this.head == null) {
				this.scanner.scan(buffer);
				return;
			}
			this.head.writeBytes(buffer);
			int end = endOfHeaders(this.head);
			if (end < 0) {
				return;
			}
			ByteBuf head = this.head;
			this.head = null;
			String statusLine = head.toString(0, Math.min(head.writerIndex(), 16), StandardCharsets.US_ASCII);
			if (!statusLine.startsWith("HTTP/1.1 " + this.expectedStatus)) {
				head.release();
				context.close();
				return;
			}
			this.deliveries.connected.increment();
			this.opened.run();
			if (this.firstFrame != null) {
				context.writeAndFlush(Unpooled.wrappedBuffer(this.firstFrame));
			}
			this.scanner.scan(head.skipBytes(end));
			head.release();
		}
		finally {
			buffer.release();
		}
	}

	private static int endOfHeaders(ByteBuf head) {
		for (int i = head.readerIndex(); i + 3 < head.writerIndex(); i++) {
			if (head.getByte(i) == '\r' && head.getByte(i + 1) == '\n' && head.getByte(i + 2) == '\r'
					&& head.getByte(i + 3) == '\n') {
				return i + 4;
			}
		}
		return -1;
	}

	@Override
	public void channelInactive(ChannelHandlerContext context) {
		ended();
	}

	/**
	 * Record the end of the connection: a failure before the response, an end by the
	 * server after it.
	 */
	void ended() {
		if (this.head != null) {
			this.head.release();
			this.head = null;
			this.deliveries.failed.increment();
			this.opened.run();
		}
		else if (!this.closing) {
			this.deliveries.closed.increment();
		}
	}

	@Override
	public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
		context.close();
	}

	/**
	 * Mark the connection as closed by the load generator.
	 */
	void closing() {
		this.closing = true;
	}

}
