package dev.realtime.benchmarks.starter;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.realtime.RealtimePublisher;
import dev.realtime.Topic;
import dev.realtime.benchmarks.Allocations;
import dev.realtime.benchmarks.PacedDriver;
import dev.realtime.benchmarks.Payloads;
import dev.realtime.run.RealtimeRuns;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Publishes for the load generator: one message per {@code POST /bench/publish}, or a
 * paced stream inside the process with {@code POST /bench/drive} (both to the topic with
 * history, or with {@code history=false} to the token topic without);
 * {@code POST /bench/stream} starts a run per channel that streams a text into its stream
 * topic at a paced rate of tokens and answers how many were published;
 * {@code GET /bench/heap} reports the heap after a full collection and
 * {@code GET /bench/allocated} the bytes the threads allocated so far.
 *
 * @author Realtime team
 * @since 0.1.0
 */
@RestController
class StarterBenchController {

	/** A token of a streamed text, about as long as a model's. */
	private static final String TOKEN = "toke ";

	private final RealtimePublisher publisher;

	private final RealtimeRuns runs;

	StarterBenchController(RealtimePublisher publisher, RealtimeRuns runs) {
		this.publisher = publisher;
		this.runs = runs;
	}

	@PostMapping("/bench/publish")
	Mono<String> publish(@RequestParam String id, @RequestParam(defaultValue = "true") boolean history,
			@RequestBody Bench.Tick tick) {
		BenchChannel channel = BenchChannel.of(id);
		return this.publisher.publishReactive(history ? channel.tick() : channel.token(), tick)
			.map((result) -> result.id());
	}

	@PostMapping("/bench/drive")
	Mono<Map<String, Long>> drive(@RequestParam String prefix, @RequestParam int channels, @RequestParam double rate,
			@RequestParam double seconds, @RequestParam(defaultValue = "true") boolean history) {
		@SuppressWarnings("unchecked")
		Topic<Bench.Tick>[] topics = new Topic[channels];
		for (int i = 0; i < channels; i++) {
			BenchChannel channel = BenchChannel.of(prefix + i);
			topics[i] = history ? channel.tick() : channel.token();
		}
		Duration duration = Duration.ofMillis((long) (seconds * 1000));
		return Mono
			.fromFuture(PacedDriver.drive(rate, duration,
					(sequence) -> this.publisher.publish(topics[sequence % channels],
							new Bench.Tick(Payloads.micros(), Payloads.PADDING))))
			.map((published) -> Map.of("published", published));
	}

	@PostMapping("/bench/stream")
	Mono<Map<String, Long>> stream(@RequestParam String prefix, @RequestParam int channels, @RequestParam double rate,
			@RequestParam double seconds) {
		long count = (long) (rate * seconds);
		Duration period = Duration.ofNanos((long) (1_000_000_000 / rate));
		List<Mono<String>> texts = new ArrayList<>();
		for (int i = 0; i < channels; i++) {
			BenchChannel channel = BenchChannel.of(prefix + i);
			// one run per channel streams its text, as a model's answer would come
			texts
				.add(this.runs
					.start(channel,
							(run) -> run.stream(channel.text(),
									Flux.interval(period).onBackpressureDrop().take(count).map((n) -> TOKEN)))
					.result());
		}
		return Flux.merge(texts)
			.map((text) -> (long) (text.length() / TOKEN.length()))
			.reduce(0L, Long::sum)
			.map((tokens) -> Map.of("published", tokens));
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
