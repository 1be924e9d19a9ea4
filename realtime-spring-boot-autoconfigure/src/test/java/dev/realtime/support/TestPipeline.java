package dev.realtime.support;

import java.util.List;

import dev.realtime.RealtimeChannel;
import dev.realtime.Topic;
import dev.realtime.TopicOptions;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;

/**
 * A channel for tests, with constrained record payloads.
 *
 * @author Realtime team
 */
@RealtimeChannel("test:{id}")
interface TestPipeline {

	Topic<Status> status();

	@TopicOptions(history = false)
	Topic<Tick> ticks();

	Topic<Order> orders();

	record Status(@NotBlank String message, @Min(0) @Max(100) int progress) {

	}

	record Tick(long sequence) {

	}

	record Order(@NotBlank String item, @Valid @NotNull Address address, List<@Positive Integer> quantities) {

	}

	record Address(@NotBlank String city) {

	}

}
