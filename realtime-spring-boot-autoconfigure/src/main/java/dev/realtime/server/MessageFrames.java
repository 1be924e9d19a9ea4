package dev.realtime.server;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.function.Function;

import dev.realtime.engine.EngineMessage;

/**
 * The frames of messages on each wire format: constant fields around the envelope, which
 * is JSON already, built once per message and shared by every subscriber instead of
 * written per connection with the mapper (see {@link EngineMessage#frame(Function)}).
 *
 * @author Realtime team
 * @since 0.1.0
 */
public final class MessageFrames {

	/** Encodes the Server-Sent Event of a message. */
	public static final Function<EngineMessage, byte[]> SSE = MessageFrames::sse;

	/** Encodes the JSON of a message's WebSocket {@code message} frame. */
	public static final Function<EngineMessage, byte[]> WEB_SOCKET = MessageFrames::webSocket;

	private static final byte[] DATA_LINE = Frames.utf8("\ndata: ");

	private static final byte[] WEB_SOCKET_PREFIX = Frames.utf8("{\"type\":\"message\",\"message\":");

	private MessageFrames() {
	}

	private static byte[] sse(EngineMessage message) {
		byte[] head = Frames.utf8("id: " + message.id() + "\nevent: message\ndata: ");
		byte[] envelope = message.envelope();
		int lines = 0;
		for (byte b : envelope) {
			if (b == '\n' || b == '\r') {
				lines++;
			}
		}
		if (lines == 0) {
			byte[] frame = Arrays.copyOf(head, head.length + envelope.length + 2);
			System.arraycopy(envelope, 0, frame, head.length, envelope.length);
			frame[frame.length - 2] = '\n';
			frame[frame.length - 1] = '\n';
			return frame;
		}
		// pretty-printed JSON: each line of the envelope needs its own data field
		ByteArrayOutputStream out = new ByteArrayOutputStream(head.length + envelope.length + lines * 6 + 2);
		out.writeBytes(head);
		for (byte b : envelope) {
			if (b == '\n') {
				out.writeBytes(DATA_LINE);
			}
			else if (b != '\r') {
				out.write(b);
			}
		}
		out.write('\n');
		out.write('\n');
		return out.toByteArray();
	}

	private static byte[] webSocket(EngineMessage message) {
		byte[] envelope = message.envelope();
		byte[] frame = new byte[WEB_SOCKET_PREFIX.length + envelope.length + 1];
		System.arraycopy(WEB_SOCKET_PREFIX, 0, frame, 0, WEB_SOCKET_PREFIX.length);
		System.arraycopy(envelope, 0, frame, WEB_SOCKET_PREFIX.length, envelope.length);
		frame[frame.length - 1] = '}';
		return frame;
	}

}
