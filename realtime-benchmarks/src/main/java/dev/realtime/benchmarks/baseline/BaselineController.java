package dev.realtime.benchmarks.baseline;

import java.time.Duration;
import java.util.Map;

import dev.realtime.benchmarks.Allocations;
import dev.realtime.benchmarks.PacedDriver;
import dev.realtime.benchmarks.Payloads;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * SSE subscriptions with a {@link ServerSentEvent} per subscriber and message, and the
 * publish, drive, heap and allocation endpoints.
 *
 * @author Realtime team
 * @since 0.1.0
 */
@RestController
class BaselineController {

	private final BaselineChannels channels;

	BaselineController(BaselineChannels channels) {
		this.channels = channels;
	}

	@GetMapping(path = "/sse/{channel}", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
	Flux<ServerSentEvent<String>> sse(@PathVariable String channel) {
		// a first comment commits the response, so that the client knows it is subscribed
		return this.channels.subscribe(channel)
			.map((data) -> ServerSentEvent.builder(data).event("message").build())
			.startWith(ServerSentEvent.<String>builder().comment("subscribed").build());
	}

	@PostMapping("/bench/publish")
	void publish(@RequestParam String id, @RequestBody String body) {
		this.channels.publish(id, body);
	}

	@PostMapping("/bench/drive")
	Mono<Map<String, Long>> drive(@RequestParam String prefix, @RequestParam int channels, @RequestParam double rate,
			@RequestParam double seconds) {
		String[] names = new String[channels];
		for (int i = 0; i < channels; i++) {
			names[i] = prefix + i;
		}
		Duration duration = Duration.ofMillis((long) (seconds * 1000));
		return Mono
			.fromFuture(PacedDriver.drive(rate, duration,
					(sequence) -> this.channels.publish(names[sequence % channels], Payloads.json())))
			.map((published) -> Map.of("published", published));
	}

	@GetMapping("/bench/allocated")
	Map<String, Long> allocated() {
		return Map.of("allocated", Allocations.allocatedBytes());
	}

	@GetMapping("/bench/heap")
	Mono<Map<String, Long>> heap() {
		return Mono.fromCallable(() -> Map.of("heap", PacedDriver.heapAfterGc()))
			.subscribeOn(Schedulers.boundedElastic());
	}

}
