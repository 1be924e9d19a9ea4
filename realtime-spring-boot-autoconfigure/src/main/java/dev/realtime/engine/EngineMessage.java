package dev.realtime.engine;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.function.Function;

import dev.realtime.MessageKind;
import org.jspecify.annotations.Nullable;

/**
 * A published message as engines deliver it. Its envelope (the wire contract's JSON) is
 * encoded once, and so is each transport frame derived from it through
 * {@link #frame(Function)}: every subscriber shares the same bytes.
 *
 * @author Realtime team
 * @since 0.1.0
 */
public final class EngineMessage implements EngineEvent {

	private final MessageId id;

	private final String channel;

	private final String topic;

	private final byte[] data;

	private final Instant createdAt;

	private final @Nullable String runId;

	private final MessageKind kind;

	private final @Nullable String traceparent;

	private final byte[] envelope;

	private volatile Object @Nullable [] frames;

	/**
	 * Create a new message and encode its envelope.
	 * @param id the id the engine assigned
	 * @param channel the channel name
	 * @param topic the topic name
	 * @param data the payload as a JSON value
	 * @param createdAt when the message was published
	 * @param runId the run that published the message, if any
	 * @param kind what the message carries
	 */
	public EngineMessage(MessageId id, String channel, String topic, byte[] data, Instant createdAt,
			@Nullable String runId, MessageKind kind) {
		this(id, channel, topic, data, createdAt, runId, kind, null);
	}

	/**
	 * Create a new message with the trace context of its publish and encode its envelope.
	 * @param id the id the engine assigned
	 * @param channel the channel name
	 * @param topic the topic name
	 * @param data the payload as a JSON value
	 * @param createdAt when the message was published
	 * @param runId the run that published the message, if any
	 * @param kind what the message carries
	 * @param traceparent the W3C trace context of the publish, if it was traced
	 */
	public EngineMessage(MessageId id, String channel, String topic, byte[] data, Instant createdAt,
			@Nullable String runId, MessageKind kind, @Nullable String traceparent) {
		this.id = id;
		this.channel = channel;
		this.topic = topic;
		this.data = data;
		this.createdAt = createdAt;
		this.runId = runId;
		this.kind = kind;
		this.traceparent = traceparent;
		this.envelope = encodeEnvelope();
	}

	/**
	 * Create a message for a {@link PublishRequest}.
	 * @param id the id the engine assigned
	 * @param createdAt when the message was published
	 * @param request the request
	 * @return the message
	 */
	public static EngineMessage of(MessageId id, Instant createdAt, PublishRequest request) {
		return new EngineMessage(id, request.channel(), request.topic(), request.data(), createdAt, request.runId(),
				request.kind(), request.traceparent());
	}

	private byte[] encodeEnvelope() {
		StringBuilder head = new StringBuilder(96);
		head.append("{\"id\":");
		appendJsonString(head, this.id.toString());
		head.append(",\"channel\":");
		appendJsonString(head, this.channel);
		head.append(",\"topic\":");
		appendJsonString(head, this.topic);
		head.append(",\"data\":");
		StringBuilder tail = new StringBuilder(96);
		tail.append(",\"createdAt\":");
		appendJsonString(tail, this.createdAt.toString());
		if (this.runId != null) {
			tail.append(",\"runId\":");
			appendJsonString(tail, this.runId);
		}
		tail.append(",\"kind\":\"").append(this.kind.wireName()).append('"');
		if (this.traceparent != null) {
			tail.append(",\"traceparent\":");
			appendJsonString(tail, this.traceparent);
		}
		tail.append('}');
		byte[] headBytes = head.toString().getBytes(StandardCharsets.UTF_8);
		byte[] tailBytes = tail.toString().getBytes(StandardCharsets.UTF_8);
		byte[] result = new byte[headBytes.length + this.data.length + tailBytes.length];
		System.arraycopy(headBytes, 0, result, 0, headBytes.length);
		System.arraycopy(this.data, 0, result, headBytes.length, this.data.length);
		System.arraycopy(tailBytes, 0, result, headBytes.length + this.data.length, tailBytes.length);
		return result;
	}

	// the envelope is built once per message and node, on the publish path: by hand
	private static StringBuilder appendJsonString(StringBuilder out, String value) {
		out.append('"');
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			if (c == '"' || c == '\\') {
				out.append('\\').append(c);
			}
			else if (c < 0x20) {
				out.append(String.format("\\u%04x", (int) c));
			}
			else {
				out.append(c);
			}
		}
		return out.append('"');
	}

	/**
	 * Return the W3C trace context of the publish, when it was traced and the application
	 * propagates it to subscribers.
	 * @return the {@code traceparent}, or {@code null}
	 */
	public @Nullable String traceparent() {
		return this.traceparent;
	}

	/**
	 * Return the id.
	 * @return the id
	 */
	public MessageId id() {
		return this.id;
	}

	/**
	 * Return the channel name.
	 * @return the channel name
	 */
	public String channel() {
		return this.channel;
	}

	/**
	 * Return the topic name.
	 * @return the topic name
	 */
	public String topic() {
		return this.topic;
	}

	/**
	 * Return the payload as a JSON value. Shared: must not be modified.
	 * @return the payload bytes
	 */
	public byte[] data() {
		return this.data;
	}

	/**
	 * Return when the message was published.
	 * @return the creation time
	 */
	public Instant createdAt() {
		return this.createdAt;
	}

	/**
	 * Return the run that published the message.
	 * @return the run id, or {@code null}
	 */
	public @Nullable String runId() {
		return this.runId;
	}

	/**
	 * Return what the message carries.
	 * @return the kind
	 */
	public MessageKind kind() {
		return this.kind;
	}

	/**
	 * Return the envelope of the wire contract as UTF-8 JSON. Shared: must not be
	 * modified.
	 * @return the envelope bytes
	 */
	public byte[] envelope() {
		return this.envelope;
	}

	/**
	 * Return a transport frame for this message, encoding it on first use only. The
	 * encoder is the cache key, so each transport keeps one encoder instance.
	 * @param <F> the frame type
	 * @param encoder creates the frame from this message
	 * @return the frame, shared by every subscriber
	 */
	@SuppressWarnings("unchecked")
	public <F> F frame(Function<EngineMessage, F> encoder) {
		Object cached = cachedFrame(this.frames, encoder);
		if (cached != null) {
			return (F) cached;
		}
		F frame = encoder.apply(this);
		synchronized (this) {
			Object[] latest = this.frames;
			// another subscriber may have encoded it meanwhile: all share one frame
			Object first = cachedFrame(latest, encoder);
			if (first != null) {
				return (F) first;
			}
			int length = (latest != null) ? latest.length : 0;
			Object[] updated = new Object[length + 2];
			if (latest != null) {
				System.arraycopy(latest, 0, updated, 0, length);
			}
			updated[length] = encoder;
			updated[length + 1] = frame;
			this.frames = updated;
		}
		return frame;
	}

	private static @Nullable Object cachedFrame(Object @Nullable [] frames, Function<EngineMessage, ?> encoder) {
		if (frames != null) {
			for (int i = 0; i < frames.length; i += 2) {
				if (frames[i] == encoder) {
					return frames[i + 1];
				}
			}
		}
		return null;
	}

	@Override
	public String toString() {
		return new String(this.envelope, StandardCharsets.UTF_8);
	}

}
