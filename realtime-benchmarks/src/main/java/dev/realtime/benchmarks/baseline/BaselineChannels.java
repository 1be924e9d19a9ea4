package dev.realtime.benchmarks.baseline;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

import org.springframework.stereotype.Component;

/**
 * A multicast sink per channel, created on first use.
 *
 * @author Realtime team
 * @since 0.1.0
 */
@Component
class BaselineChannels {

	private final Map<String, Sinks.Many<String>> sinks = new ConcurrentHashMap<>();

	Flux<String> subscribe(String channel) {
		return sink(channel).asFlux();
	}

	void publish(String channel, String data) {
		sink(channel).emitNext(data, Sinks.EmitFailureHandler.busyLooping(Duration.ofSeconds(1)));
	}

	private Sinks.Many<String> sink(String channel) {
		return this.sinks.computeIfAbsent(channel, (name) -> Sinks.many().multicast().directBestEffort());
	}

}
