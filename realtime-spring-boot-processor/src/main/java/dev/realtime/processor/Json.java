package dev.realtime.processor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * A minimal JSON writer and reader for the catalog, so that the processor needs no
 * library. Values are {@link Map}, {@link List}, {@link String}, {@link Number},
 * {@link Boolean} and {@code null}.
 *
 * @author Realtime team
 * @since 0.1.0
 */
final class Json {

	private final String text;

	private int position;

	private Json(String text) {
		this.text = text;
	}

	/**
	 * Write a value as indented JSON.
	 * @param value the value
	 * @return the JSON text
	 */
	static String write(@Nullable Object value) {
		StringBuilder out = new StringBuilder();
		write(value, out, "");
		return out.append('\n').toString();
	}

	private static void write(@Nullable Object value, StringBuilder out, String indent) {
		if (value instanceof Map<?, ?> map) {
			if (map.isEmpty()) {
				out.append("{}");
				return;
			}
			out.append("{\n");
			int i = 0;
			for (Map.Entry<?, ?> entry : map.entrySet()) {
				out.append(indent).append("  ");
				string((String) entry.getKey(), out);
				out.append(": ");
				write(entry.getValue(), out, indent + "  ");
				out.append((++i < map.size()) ? ",\n" : "\n");
			}
			out.append(indent).append('}');
		}
		else if (value instanceof List<?> list) {
			if (list.isEmpty()) {
				out.append("[]");
				return;
			}
			out.append("[\n");
			for (int i = 0; i < list.size(); i++) {
				out.append(indent).append("  ");
				write(list.get(i), out, indent + "  ");
				out.append((i + 1 < list.size()) ? ",\n" : "\n");
			}
			out.append(indent).append(']');
		}
		else if (value instanceof String string) {
			string(string, out);
		}
		else {
			out.append(value);
		}
	}

	/**
	 * Append a JSON string literal.
	 * @param value the string
	 * @param out where to append
	 */
	static void string(String value, StringBuilder out) {
		out.append('"');
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			switch (c) {
				case '"' -> out.append("\\\"");
				case '\\' -> out.append("\\\\");
				case '\n' -> out.append("\\n");
				case '\r' -> out.append("\\r");
				case '\t' -> out.append("\\t");
				default -> {
					if (c < 0x20) {
						out.append(String.format("\\u%04x", (int) c));
					}
					else {
						out.append(c);
					}
				}
			}
		}
		out.append('"');
	}

	/**
	 * Parse JSON text.
	 * @param text the JSON text
	 * @return the value
	 * @throws IllegalArgumentException if the text is not valid JSON
	 */
	static @Nullable Object read(String text) {
		Json json = new Json(text);
		Object value = json.value();
		json.whitespace();
		if (json.position != text.length()) {
			throw json.error("end of input");
		}
		return value;
	}

	/**
	 * Return a member that a parsed object must have.
	 * @param <T> the type of the member
	 * @param object the parsed object
	 * @param name the name of the member
	 * @return the value of the member
	 * @throws IllegalArgumentException if the object is not a JSON object or the member
	 * is missing or {@code null}
	 */
	@SuppressWarnings("unchecked")
	static <T> T member(@Nullable Object object, String name) {
		Object value = (object instanceof Map<?, ?> map) ? map.get(name) : null;
		if (value == null) {
			throw new IllegalArgumentException("Expected an object with member '" + name + "'");
		}
		return (T) value;
	}

	private @Nullable Object value() {
		whitespace();
		if (this.position >= this.text.length()) {
			throw error("a value");
		}
		char c = this.text.charAt(this.position);
		switch (c) {
			case '{':
				return object();
			case '[':
				return array();
			case '"':
				return string();
			case 't':
				return literal("true", Boolean.TRUE);
			case 'f':
				return literal("false", Boolean.FALSE);
			case 'n':
				return literal("null", null);
			default:
				return number();
		}
	}

	private Map<String, @Nullable Object> object() {
		Map<String, @Nullable Object> map = new LinkedHashMap<>();
		this.position++;
		whitespace();
		if (accept('}')) {
			return map;
		}
		do {
			whitespace();
			if (!peek('"')) {
				throw error("a string");
			}
			String key = string();
			whitespace();
			expect(':');
			map.put(key, value());
			whitespace();
		}
		while (accept(','));
		expect('}');
		return map;
	}

	private List<@Nullable Object> array() {
		List<@Nullable Object> list = new ArrayList<>();
		this.position++;
		whitespace();
		if (accept(']')) {
			return list;
		}
		do {
			list.add(value());
			whitespace();
		}
		while (accept(','));
		expect(']');
		return list;
	}

	private String string() {
		StringBuilder out = new StringBuilder();
		this.position++;
		while (this.position < this.text.length()) {
			char c = this.text.charAt(this.position++);
			if (c == '"') {
				return out.toString();
			}
			if (c == '\\') {
				char escaped = this.text.charAt(this.position++);
				switch (escaped) {
					case 'n' -> out.append('\n');
					case 'r' -> out.append('\r');
					case 't' -> out.append('\t');
					case 'b' -> out.append('\b');
					case 'f' -> out.append('\f');
					case 'u' -> {
						out.append((char) Integer.parseInt(this.text.substring(this.position, this.position + 4), 16));
						this.position += 4;
					}
					default -> out.append(escaped);
				}
			}
			else {
				out.append(c);
			}
		}
		throw error("'\"'");
	}

	private @Nullable Object literal(String word, @Nullable Object value) {
		if (!this.text.startsWith(word, this.position)) {
			throw error(word);
		}
		this.position += word.length();
		return value;
	}

	private Number number() {
		int start = this.position;
		while (this.position < this.text.length() && "+-0123456789.eE".indexOf(this.text.charAt(this.position)) >= 0) {
			this.position++;
		}
		String number = this.text.substring(start, this.position);
		try {
			if (number.contains(".") || number.contains("e") || number.contains("E")) {
				return Double.parseDouble(number);
			}
			return Long.parseLong(number);
		}
		catch (NumberFormatException ex) {
			this.position = start;
			throw error("a value");
		}
	}

	private void whitespace() {
		while (this.position < this.text.length() && Character.isWhitespace(this.text.charAt(this.position))) {
			this.position++;
		}
	}

	private boolean peek(char c) {
		return this.position < this.text.length() && this.text.charAt(this.position) == c;
	}

	private boolean accept(char c) {
		if (peek(c)) {
			this.position++;
			return true;
		}
		return false;
	}

	private void expect(char c) {
		if (!accept(c)) {
			throw error("'" + c + "'");
		}
	}

	private IllegalArgumentException error(String expected) {
		return new IllegalArgumentException("Expected " + expected + " at offset " + this.position);
	}

}
