package dev.realtime.support;

import java.util.List;

import dev.realtime.InvalidPayloadException.FieldViolation;

/**
 * Validates payloads before they are published.
 *
 * @author Realtime team
 * @since 0.1.0
 */
@FunctionalInterface
public interface PayloadValidator {

	/**
	 * A validator that accepts everything.
	 */
	PayloadValidator NONE = (payload) -> List.of();

	/**
	 * Validate a payload.
	 * @param payload the payload
	 * @return what is wrong, empty when the payload is valid
	 */
	List<FieldViolation> validate(Object payload);

}
