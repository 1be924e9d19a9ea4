package dev.realtime.benchmarks.jmh;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.realtime.MessageKind;
import dev.realtime.benchmarks.Payloads;
import dev.realtime.engine.EngineEvent;
import dev.realtime.engine.EngineMessage;
import dev.realtime.engine.PublishRequest;
import dev.realtime.engine.Replay;
import dev.realtime.engine.memory.InMemoryEngine;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import reactor.core.Disposable;
import reactor.core.publisher.BaseSubscriber;

/**
 * Publishing one message to N local subscribers of the in-memory engine: the score times
 * N is the engine's deliveries per second on one thread.
 *
 * @author Realtime team
 * @since 0.1.0
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class FanOutBenchmark {

	@Param({ "1", "100", "2000" })
	int subscribers;

	private InMemoryEngine engine;

	private PublishRequest request;

	private final List<Disposable> subscriptions = new ArrayList<>();

	@Setup
	public void setUp() {
		this.engine = new InMemoryEngine(100, Duration.ofMinutes(10), 1024, Clock.systemUTC());
		this.request = new PublishRequest("bench:1", "tick", Payloads.json(1).getBytes(StandardCharsets.UTF_8), null,
				MessageKind.DATA, true);
		for (int i = 0; i < this.subscribers; i++) {
			this.subscriptions.add(this.engine.subscribe("bench:1", Replay.none()).subscribeWith(new Counting()));
		}
	}

	@TearDown
	public void tearDown() {
		this.subscriptions.forEach(Disposable::dispose);
		this.engine.destroy();
	}

	@Benchmark
	public EngineMessage publish() {
		return this.engine.publish(this.request).toFuture().join();
	}

	/**
	 * Consumes every event as it arrives.
	 */
	static final class Counting extends BaseSubscriber<EngineEvent> {

		long count;

		@Override
		protected void hookOnNext(EngineEvent value) {
			this.count++;
		}

	}

}
