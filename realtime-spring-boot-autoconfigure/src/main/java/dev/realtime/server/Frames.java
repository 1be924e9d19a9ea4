package dev.realtime.server;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonInclude.Include;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.realtime.PresenceMember;
import dev.realtime.PresenceSnapshot;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The control frames of the wire contract, the WebSocket frames and the data of the SSE
 * control events, as records written with the application's {@link JsonMapper}. Their
 * names, order and nulls are the contract's whatever the mapper's settings: each property
 * is named explicitly (no naming strategy renames it), ordered explicitly and included as
 * the contract says, and a frame is one line (an SSE data field ends at a line break).
 * <p>
 * Messages are not written here: their frames are a constant prefix around the envelope,
 * which is encoded once per message and shared by every subscriber (see
 * {@link MessageFrames}).
 *
 * @author Realtime team
 */
final class Frames {

	private static final byte[] DATA_FIELD = utf8("\ndata: ");

	private static final byte[] EVENT_END = utf8("\n\n");

	private final ObjectWriter writer;

	private final byte[] pong;

	Frames(JsonMapper mapper) {
		this.writer = mapper.writer().without(SerializationFeature.INDENT_OUTPUT);
		this.pong = json(new PongFrame());
	}

	/**
	 * Return the JSON of a frame or of an event's data.
	 * @param frame the frame
	 * @return its JSON, in UTF-8
	 */
	byte[] json(Object frame) {
		return this.writer.writeValueAsBytes(frame);
	}

	/**
	 * Return a Server-Sent Event.
	 * @param fields the fields before the data, such as {@code event: expired}, without a
	 * line break at the end
	 * @param data the event's data
	 * @return the event, with the blank line that ends it
	 */
	byte[] event(String fields, Object data) {
		byte[] head = utf8(fields);
		byte[] json = json(data);
		byte[] event = Arrays.copyOf(head, head.length + DATA_FIELD.length + json.length + EVENT_END.length);
		System.arraycopy(DATA_FIELD, 0, event, head.length, DATA_FIELD.length);
		System.arraycopy(json, 0, event, head.length + DATA_FIELD.length, json.length);
		System.arraycopy(EVENT_END, 0, event, event.length - EVENT_END.length, EVENT_END.length);
		return event;
	}

	/**
	 * Return the {@code pong} frame, written once.
	 * @return the frame's JSON
	 */
	byte[] pong() {
		return this.pong;
	}

	static byte[] utf8(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	private static SortedSet<String> sorted(Collection<String> topics) {
		return new TreeSet<>(topics);
	}

	/**
	 * A frame the server sends on a WebSocket.
	 */
	sealed interface WebSocketFrame
			permits SubscribedFrame, PublishedFrame, CancelledFrame, PresenceFrame, ErrorFrame, PongFrame {

	}

	/**
	 * The data of {@code event: subscribed}.
	 *
	 * @param channel the channel
	 * @param topics the topics, sorted
	 * @param recovered {@code null} without a resume, {@code false} when messages after
	 * the last id are gone
	 */
	@JsonInclude(Include.ALWAYS)
	@JsonPropertyOrder({ "channel", "topics", "recovered" })
	record SubscribedEvent(@JsonProperty("channel") String channel, @JsonProperty("topics") SortedSet<String> topics,
			@JsonProperty("recovered") @Nullable Boolean recovered) {

		SubscribedEvent(String channel, Collection<String> topics, @Nullable Boolean recovered) {
			this(channel, sorted(topics), recovered);
		}

	}

	/**
	 * The data of {@code event: expired}.
	 *
	 * @param channel the channel whose token expired
	 */
	@JsonInclude(Include.ALWAYS)
	@JsonPropertyOrder({ "channel" })
	record ExpiredEvent(@JsonProperty("channel") String channel) {

	}

	/**
	 * The data of {@code event: error}.
	 *
	 * @param code the error code
	 * @param message what went wrong
	 */
	@JsonInclude(Include.ALWAYS)
	@JsonPropertyOrder({ "code", "message" })
	record ErrorEvent(@JsonProperty("code") String code, @JsonProperty("message") String message) {

	}

	/**
	 * The WebSocket {@code subscribed} frame.
	 *
	 * @param type {@code subscribed}
	 * @param channel the channel
	 * @param topics the topics, sorted
	 * @param recovered {@code null} without a resume, {@code false} when messages after
	 * the last id are gone
	 */
	@JsonInclude(Include.ALWAYS)
	@JsonPropertyOrder({ "type", "channel", "topics", "recovered" })
	record SubscribedFrame(@JsonProperty("type") String type, @JsonProperty("channel") String channel,
			@JsonProperty("topics") SortedSet<String> topics,
			@JsonProperty("recovered") @Nullable Boolean recovered) implements WebSocketFrame {

		SubscribedFrame(String channel, Collection<String> topics, @Nullable Boolean recovered) {
			this("subscribed", channel, sorted(topics), recovered);
		}

	}

	/**
	 * The WebSocket {@code published} frame.
	 *
	 * @param type {@code published}
	 * @param id the message's id
	 * @param ref the client's reference of the publish, if it sent one
	 */
	@JsonInclude(Include.ALWAYS)
	@JsonPropertyOrder({ "type", "id", "ref" })
	record PublishedFrame(@JsonProperty("type") String type, @JsonProperty("id") String id,
			@JsonProperty("ref") @JsonInclude(Include.NON_NULL) @Nullable String ref) implements WebSocketFrame {

		PublishedFrame(String id, @Nullable String ref) {
			this("published", id, ref);
		}

	}

	/**
	 * The WebSocket {@code cancelled} frame.
	 *
	 * @param type {@code cancelled}
	 * @param runId the run
	 * @param outcome {@code cancelled} or {@code requested}
	 * @param ref the client's reference of the cancel, if it sent one
	 */
	@JsonInclude(Include.ALWAYS)
	@JsonPropertyOrder({ "type", "runId", "outcome", "ref" })
	record CancelledFrame(@JsonProperty("type") String type, @JsonProperty("runId") String runId,
			@JsonProperty("outcome") String outcome,
			@JsonProperty("ref") @JsonInclude(Include.NON_NULL) @Nullable String ref) implements WebSocketFrame {

		CancelledFrame(String runId, String outcome, @Nullable String ref) {
			this("cancelled", runId, outcome, ref);
		}

	}

	/**
	 * The WebSocket {@code presence} frame: who is subscribed to a channel.
	 *
	 * @param type {@code presence}
	 * @param channel the channel
	 * @param count how many members it has
	 * @param members its listed members
	 * @param ref the client's reference of the query, if it sent one
	 */
	@JsonInclude(Include.ALWAYS)
	@JsonPropertyOrder({ "type", "channel", "count", "members", "ref" })
	record PresenceFrame(@JsonProperty("type") String type, @JsonProperty("channel") String channel,
			@JsonProperty("count") long count, @JsonProperty("members") List<PresenceMember> members,
			@JsonProperty("ref") @JsonInclude(Include.NON_NULL) @Nullable String ref) implements WebSocketFrame {

		PresenceFrame(PresenceSnapshot presence, @Nullable String ref) {
			this("presence", presence.channel(), presence.count(), presence.members(), ref);
		}

	}

	/**
	 * The WebSocket {@code error} frame.
	 *
	 * @param type {@code error}
	 * @param code the error code
	 * @param message what went wrong
	 * @param ref the reference of the client's frame that failed, if it sent one
	 * @param errors the fields of an invalid payload, {@code field} and {@code message}
	 */
	@JsonInclude(Include.ALWAYS)
	@JsonPropertyOrder({ "type", "code", "message", "ref", "errors" })
	record ErrorFrame(@JsonProperty("type") String type, @JsonProperty("code") String code,
			@JsonProperty("message") String message,
			@JsonProperty("ref") @JsonInclude(Include.NON_NULL) @Nullable String ref,
			@JsonProperty("errors") @JsonInclude(Include.NON_NULL) @Nullable List<Map<String, String>> errors)
			implements
				WebSocketFrame {

		ErrorFrame(String code, @Nullable String message, @Nullable String ref) {
			this(code, message, ref, null);
		}

		ErrorFrame(String code, @Nullable String message, @Nullable String ref,
				@Nullable List<Map<String, String>> errors) {
			this("error", code, (message != null) ? message : code, ref, errors);
		}

	}

	/**
	 * The WebSocket {@code pong} frame.
	 *
	 * @param type {@code pong}
	 */
	@JsonInclude(Include.ALWAYS)
	@JsonPropertyOrder({ "type" })
	record PongFrame(@JsonProperty("type") String type) implements WebSocketFrame {

		PongFrame() {
			this("pong");
		}

	}

}
