package dev.realtime.support;

import java.util.List;

import dev.realtime.InvalidPayloadException;
import dev.realtime.InvalidPayloadException.FieldViolation;
import dev.realtime.MessageTooLargeException;
import dev.realtime.TopicDefinition;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.util.Assert;

/**
 * Turns payloads into the JSON bytes engines carry and back, enforcing validation and the
 * size limit. Each payload is encoded exactly once, whatever the number of subscribers.
 *
 * @author Realtime team
 * @since 0.1.0
 */
public final class PayloadCodec {

	private final JsonMapper mapper;

	private final PayloadValidator validator;

	private final long maxMessageSize;

	/**
	 * Create a new instance.
	 * @param mapper the application's JSON mapper
	 * @param validator validates payloads before they are encoded
	 * @param maxMessageSize the largest encoded payload accepted, in bytes
	 */
	public PayloadCodec(JsonMapper mapper, PayloadValidator validator, long maxMessageSize) {
		Assert.notNull(mapper, "'mapper' must not be null");
		Assert.notNull(validator, "'validator' must not be null");
		Assert.isTrue(maxMessageSize > 0, "'maxMessageSize' must be positive");
		this.mapper = mapper;
		this.validator = validator;
		this.maxMessageSize = maxMessageSize;
	}

	/**
	 * Validate and encode a payload published from the server.
	 * @param label the topic, for messages
	 * @param payload the payload
	 * @return the payload as JSON
	 * @throws InvalidPayloadException if the payload fails validation
	 * @throws MessageTooLargeException if the encoded payload is too large
	 */
	public byte[] encode(String label, Object payload) {
		Assert.notNull(payload, "'payload' must not be null");
		List<FieldViolation> violations = this.validator.validate(payload);
		if (!violations.isEmpty()) {
			throw new InvalidPayloadException(label, violations);
		}
		return checkSize(label, this.mapper.writeValueAsBytes(payload));
	}

	/**
	 * Encode a value that needs no validation, such as a run lifecycle payload.
	 * @param label the topic, for messages
	 * @param value the value
	 * @return the value as JSON
	 * @throws MessageTooLargeException if the encoded value is too large
	 */
	public byte[] encodeTrusted(String label, Object value) {
		return checkSize(label, this.mapper.writeValueAsBytes(value));
	}

	/**
	 * Read a payload a client published: convert it to the topic's type, validate it and
	 * encode it again, so that subscribers only ever see well-formed payloads.
	 * @param label the topic, for messages
	 * @param topic the topic definition
	 * @param data the payload as the client sent it
	 * @return the payload as JSON
	 * @throws InvalidPayloadException if the payload does not fit the topic's type or
	 * fails validation
	 * @throws MessageTooLargeException if the encoded payload is too large
	 */
	public byte[] encodeClientPayload(String label, TopicDefinition topic, JsonNode data) {
		Object payload = read(label, topic, data);
		return encode(label, payload);
	}

	/**
	 * Convert a client's payload to the topic's type and validate it.
	 * @param label the topic, for messages
	 * @param topic the topic definition
	 * @param data the payload as the client sent it
	 * @return the payload
	 * @throws InvalidPayloadException if the payload does not fit the topic's type or
	 * fails validation
	 */
	public Object read(String label, TopicDefinition topic, JsonNode data) {
		Object payload;
		try {
			payload = this.mapper.treeToValue(data, javaType(topic));
		}
		catch (MismatchedInputException ex) {
			throw new InvalidPayloadException(label, List.of(new FieldViolation(path(ex), ex.getOriginalMessage())));
		}
		catch (JacksonException ex) {
			throw new InvalidPayloadException(label, List.of(new FieldViolation("", ex.getOriginalMessage())));
		}
		if (payload == null) {
			throw new InvalidPayloadException(label, List.of(new FieldViolation("", "must not be null")));
		}
		List<FieldViolation> violations = this.validator.validate(payload);
		if (!violations.isEmpty()) {
			throw new InvalidPayloadException(label, violations);
		}
		return payload;
	}

	/**
	 * Decode an encoded payload to its topic's type.
	 * @param topic the topic definition
	 * @param data the payload as JSON
	 * @return the payload
	 */
	public Object decode(TopicDefinition topic, byte[] data) {
		return this.mapper.readValue(data, javaType(topic));
	}

	/**
	 * Decode an encoded payload to a JSON tree, for messages of unknown topics.
	 * @param data the payload as JSON
	 * @return the payload as a tree
	 */
	public JsonNode decodeTree(byte[] data) {
		return this.mapper.readTree(data);
	}

	private JavaType javaType(TopicDefinition topic) {
		return this.mapper.getTypeFactory().constructType(topic.payloadType());
	}

	private byte[] checkSize(String label, byte[] bytes) {
		if (bytes.length > this.maxMessageSize) {
			throw new MessageTooLargeException(label, bytes.length, this.maxMessageSize);
		}
		return bytes;
	}

	private static String path(MismatchedInputException ex) {
		StringBuilder path = new StringBuilder();
		for (var reference : ex.getPath()) {
			if (reference.getPropertyName() != null) {
				if (path.length() > 0) {
					path.append('.');
				}
				path.append(reference.getPropertyName());
			}
			else if (reference.getIndex() >= 0) {
				path.append('[').append(reference.getIndex()).append(']');
			}
		}
		return path.toString();
	}

}
