package dev.realtime.engine;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.json.JsonMapper;

/**
 * The text of a stream topic as engines keep it: its chunks as they were published, JSON
 * strings joined by commas, so that appending never decodes anything; a snapshot decodes
 * them once, into one JSON string.
 *
 * @author Realtime team
 * @since 0.1.0
 */
public final class StreamTexts {

	/**
	 * The most bytes of JSON-encoded chunks the text of a stream topic has by default.
	 */
	public static final long DEFAULT_MAX_SIZE = 1024 * 1024;

	/**
	 * How long the text of a stream topic is kept after its last chunk by default.
	 */
	public static final Duration DEFAULT_TTL = Duration.ofMinutes(10);

	private static final JsonMapper mapper = JsonMapper.shared();

	private StreamTexts() {
	}

	/**
	 * Return how many bytes the text has once a chunk is appended.
	 * @param size the bytes of the text so far, 0 when it is empty
	 * @param chunk the chunk, a JSON string
	 * @return the bytes after the append
	 */
	public static long sizeAfter(long size, byte[] chunk) {
		return size + ((size > 0) ? 1 : 0) + chunk.length;
	}

	/**
	 * Append a chunk to the text.
	 * @param text the text so far, JSON strings joined by commas
	 * @param chunk the chunk, a JSON string
	 */
	public static void append(ByteArrayOutputStream text, byte[] chunk) {
		if (text.size() > 0) {
			text.write(',');
		}
		text.writeBytes(chunk);
	}

	/**
	 * Return the text as one JSON string, the data of a snapshot.
	 * @param joined the chunks, JSON strings joined by commas; empty for no text
	 * @return the whole text as a JSON string
	 * @throws IllegalArgumentException if a chunk is not a JSON string
	 */
	public static byte[] snapshot(byte[] joined) {
		StringBuilder text = new StringBuilder();
		byte[] array = new byte[joined.length + 2];
		array[0] = '[';
		System.arraycopy(joined, 0, array, 1, joined.length);
		array[array.length - 1] = ']';
		try (JsonParser parser = mapper.createParser(array)) {
			parser.nextToken();
			JsonToken token;
			while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
				if (token != JsonToken.VALUE_STRING) {
					throw new IllegalArgumentException("A chunk of a stream topic is not a JSON string");
				}
				text.append(parser.getString());
			}
		}
		return mapper.writeValueAsString(text.toString()).getBytes(StandardCharsets.UTF_8);
	}

}
