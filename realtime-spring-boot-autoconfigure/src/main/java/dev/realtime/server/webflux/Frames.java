package dev.realtime.server.webflux;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.TreeSet;

import dev.realtime.engine.EngineMessage;
import org.jspecify.annotations.Nullable;

/**
 * Small JSON writing helpers for protocol frames whose values are ids, channel and topic
 * names, and short messages.
 *
 * @author Realtime team
 */
final class Frames {

	private Frames() {
	}

	static String subscribed(String channel, Collection<String> topics, @Nullable Boolean recovered) {
		StringBuilder json = new StringBuilder(64).append("\"channel\":");
		string(json, channel).append(",\"topics\":[");
		boolean first = true;
		for (String topic : new TreeSet<>(topics)) {
			if (!first) {
				json.append(',');
			}
			string(json, topic);
			first = false;
		}
		return json.append("],\"recovered\":").append(recovered).toString();
	}

	static String channel(String channel) {
		return string(new StringBuilder(32).append("\"channel\":"), channel).toString();
	}

	static String error(String code, @Nullable String message) {
		StringBuilder json = new StringBuilder(64).append("\"code\":");
		string(json, code).append(",\"message\":");
		return string(json, (message != null) ? message : code).toString();
	}

	static StringBuilder string(StringBuilder out, String value) {
		return EngineMessage.appendJsonString(out, value);
	}

	static byte[] utf8(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
