package dev.realtime;

import java.util.List;

/**
 * Thrown when a payload fails Bean Validation or cannot be read as its topic's type.
 * Nothing was published.
 *
 * @author Realtime team
 * @since 0.1.0
 */
public class InvalidPayloadException extends RealtimeException {

	private final String topic;

	private final List<FieldViolation> violations;

	/**
	 * Create a new instance.
	 * @param topic the topic, for example {@code pipeline:run-1/status}
	 * @param violations what is wrong, field by field
	 */
	public InvalidPayloadException(String topic, List<FieldViolation> violations) {
		super("Invalid payload for " + topic + ": " + violations);
		this.topic = topic;
		this.violations = List.copyOf(violations);
	}

	/**
	 * Return the topic the payload was meant for.
	 * @return the topic
	 */
	public String getTopic() {
		return this.topic;
	}

	/**
	 * Return what is wrong, field by field.
	 * @return the violations
	 */
	public List<FieldViolation> getViolations() {
		return this.violations;
	}

	/**
	 * One field that failed validation.
	 *
	 * @param field the property path, empty for the payload as a whole
	 * @param message what is wrong
	 */
	public record FieldViolation(String field, String message) {

		@Override
		public String toString() {
			return (this.field.isEmpty() ? "" : this.field + ": ") + this.message;
		}

	}

}
