package dev.realtime.server.webflux;

import dev.realtime.RealtimeChannel;
import dev.realtime.Topic;
import dev.realtime.TopicOptions;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;

/**
 * A channel for the handler tests: {@code notes} and {@code secrets} are kept in history,
 * {@code typing} is not, and {@code replies} are what clients publish, validated.
 *
 * @author Realtime team
 */
@RealtimeChannel("room:{id}")
interface TestRoom {

	Topic<Note> notes();

	Topic<Note> secrets();

	@TopicOptions(history = false)
	Topic<Note> typing();

	@TopicOptions(history = false)
	Topic<Reply> replies();

	record Note(String text) {

	}

	record Reply(@NotBlank String text, @Min(1) @Max(5) int rating) {

	}

}
