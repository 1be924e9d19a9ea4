package dev.realtime.server;

import java.util.LinkedHashSet;
import java.util.Set;

import tools.jackson.databind.JsonNode;

/**
 * Reads the fields of the JSON bodies of token and publish requests, rejecting what the
 * wire contract does not allow with an {@link IllegalArgumentException}.
 *
 * @author Realtime team
 */
final class RequestBodies {

	private RequestBodies() {
	}

	static String text(JsonNode body, String field) {
		JsonNode value = body.get(field);
		if (value == null || !value.isString() || value.asString().isEmpty()) {
			throw new IllegalArgumentException("Field '" + field + "' must be a non-empty string");
		}
		return value.asString();
	}

	static boolean flag(JsonNode body, String field) {
		JsonNode value = body.get(field);
		if (value == null || value.isNull()) {
			return false;
		}
		if (!value.isBoolean()) {
			throw new IllegalArgumentException("Field '" + field + "' must be true or false");
		}
		return value.booleanValue();
	}

	static Set<String> names(JsonNode body, String field) {
		JsonNode value = body.get(field);
		if (value == null || value.isNull()) {
			return Set.of();
		}
		if (!value.isArray()) {
			throw new IllegalArgumentException("Field '" + field + "' must be an array of topic names");
		}
		Set<String> names = new LinkedHashSet<>();
		for (JsonNode name : value) {
			if (!name.isString() || name.asString().isEmpty()) {
				throw new IllegalArgumentException("Field '" + field + "' must contain topic names");
			}
			names.add(name.asString());
		}
		return names;
	}

}
