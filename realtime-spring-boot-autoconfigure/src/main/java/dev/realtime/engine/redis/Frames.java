package dev.realtime.engine.redis;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

import dev.realtime.MessageKind;
import dev.realtime.engine.EngineMessage;
import dev.realtime.engine.MessageId;

/**
 * Decodes the frames that {@code publish.lua} writes to the history stream and publishes
 * to the nodes: an ASCII header {@code <offset> <epoch> <createdAt micros> <kind>
 * <topic length> <run id length or -1>}, followed by {@code <traceparent length>} only
 * when the publish carries a trace context, a line feed, then the topic, the run id, the
 * traceparent and the payload bytes.
 *
 * @author Realtime team
 */
final class Frames {

	private Frames() {
	}

	/**
	 * Decode a frame.
	 * @param channel the channel the frame belongs to
	 * @param frame the frame, read from its position to its limit
	 * @return the message
	 * @throws IllegalArgumentException if the frame is malformed
	 */
	static EngineMessage decode(String channel, ByteBuffer frame) {
		int start = frame.position();
		int end = start;
		while (end < frame.limit() && frame.get(end) != '\n') {
			end++;
		}
		if (end == frame.limit()) {
			throw new IllegalArgumentException("Frame without header");
		}
		byte[] headerBytes = new byte[end - start];
		frame.get(start, headerBytes);
		String[] header = new String(headerBytes, StandardCharsets.US_ASCII).split(" ");
		if (header.length != 6 && header.length != 7) {
			throw new IllegalArgumentException("Malformed frame header '" + String.join(" ", header) + "'");
		}
		MessageId id = new MessageId(Long.parseLong(header[0]), header[1]);
		Instant createdAt = micros(header[2]);
		MessageKind kind = MessageKind.ofWireName(header[3]);
		int topicLength = Integer.parseInt(header[4]);
		int runIdLength = Integer.parseInt(header[5]);
		int position = end + 1;
		String topic = string(frame, position, topicLength);
		position += topicLength;
		String runId = (runIdLength >= 0) ? string(frame, position, runIdLength) : null;
		position += Math.max(runIdLength, 0);
		String traceparent = null;
		if (header.length == 7) {
			int traceparentLength = Integer.parseInt(header[6]);
			traceparent = string(frame, position, traceparentLength);
			position += traceparentLength;
		}
		byte[] data = new byte[frame.limit() - position];
		frame.get(position, data);
		return new EngineMessage(id, channel, topic, data, createdAt, runId, kind, traceparent);
	}

	/**
	 * Parse a time in microseconds since the epoch as Redis {@code TIME} gives it.
	 * @param micros the microseconds, as a decimal string
	 * @return the instant
	 */
	static Instant micros(String micros) {
		long value = Long.parseLong(micros);
		return Instant.ofEpochSecond(value / 1_000_000, (value % 1_000_000) * 1_000);
	}

	private static String string(ByteBuffer frame, int position, int length) {
		byte[] bytes = new byte[length];
		frame.get(position, bytes);
		return new String(bytes, StandardCharsets.UTF_8);
	}

}
