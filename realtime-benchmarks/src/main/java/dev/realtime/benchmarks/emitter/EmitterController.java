package dev.realtime.benchmarks.emitter;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import dev.realtime.benchmarks.Allocations;
import dev.realtime.benchmarks.PacedDriver;
import dev.realtime.benchmarks.Payloads;

import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * SSE subscriptions with an {@link SseEmitter} per subscriber, and the publish, drive,
 * heap and allocation endpoints, on the paths of the WebFlux baseline.
 *
 * @author Realtime team
 * @since 0.1.0
 */
@RestController
class EmitterController {

	private final EmitterChannels channels;

	EmitterController(EmitterChannels channels) {
		this.channels = channels;
	}

	@GetMapping(path = "/sse/{channel}", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
	SseEmitter sse(@PathVariable String channel) throws IOException {
		return this.channels.subscribe(channel);
	}

	@PostMapping("/bench/publish")
	void publish(@RequestParam String id, @RequestBody String body) {
		this.channels.publish(id, body);
	}

	@PostMapping("/bench/drive")
	CompletableFuture<Map<String, Long>> drive(@RequestParam String prefix, @RequestParam int channels,
			@RequestParam double rate, @RequestParam double seconds) {
		String[] names = new String[channels];
		for (int i = 0; i < channels; i++) {
			names[i] = prefix + i;
		}
		Duration duration = Duration.ofMillis((long) (seconds * 1000));
		return PacedDriver
			.drive(rate, duration, (sequence) -> this.channels.publish(names[sequence % channels], Payloads.json()))
			.thenApply((published) -> Map.of("published", published));
	}

	@GetMapping("/bench/allocated")
	Map<String, Long> allocated() {
		return Map.of("allocated", Allocations.allocatedBytes());
	}

	@GetMapping("/bench/heap")
	Map<String, Long> heap() throws InterruptedException {
		return Map.of("heap", PacedDriver.heapAfterGc());
	}

}
