package dev.realtime.support;

import java.util.Comparator;
import java.util.List;
import java.util.Set;

import dev.realtime.InvalidPayloadException.FieldViolation;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;

import org.springframework.util.Assert;

/**
 * A {@link PayloadValidator} backed by Jakarta Bean Validation.
 *
 * @author Realtime team
 * @since 0.1.0
 */
public final class BeanValidationPayloadValidator implements PayloadValidator {

	private final Validator validator;

	/**
	 * Create a new instance.
	 * @param validator the Bean Validation validator
	 */
	public BeanValidationPayloadValidator(Validator validator) {
		Assert.notNull(validator, "'validator' must not be null");
		this.validator = validator;
	}

	@Override
	public List<FieldViolation> validate(Object payload) {
		Set<ConstraintViolation<Object>> violations = this.validator.validate(payload);
		if (violations.isEmpty()) {
			// the common case, on every publish
			return List.of();
		}
		return violations.stream()
			.map((violation) -> new FieldViolation(violation.getPropertyPath().toString(), violation.getMessage()))
			.sorted(Comparator.comparing(FieldViolation::field).thenComparing(FieldViolation::message))
			.toList();
	}

}
