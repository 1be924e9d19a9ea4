package dev.realtime.sample;

import java.util.ArrayList;
import java.util.List;

/**
 * Produces the text the simulated model "writes", split into tokens the way a model's
 * output arrives: words with their leading space.
 *
 * @author Realtime team
 */
final class Drafts {

	private Drafts() {
	}

	static List<String> draft(String topic) {
		String text = "Here is a short piece about " + topic + ". Live updates make long work feel fast: "
				+ "the page shows each step as it happens, streams the text as the model writes it, "
				+ "and asks a person before anything is published. Reconnecting never loses the important "
				+ "messages, because durable updates are kept in the channel history and replayed on resume. "
				+ "One node needs nothing but the application; several nodes share one Redis.";
		List<String> tokens = new ArrayList<>();
		for (String word : text.split(" ")) {
			tokens.add(tokens.isEmpty() ? word : " " + word);
		}
		return tokens;
	}

}
