package dev.realtime.benchmarks.jmh;

import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import dev.realtime.PublishResult;
import dev.realtime.Topic;
import dev.realtime.benchmarks.Payloads;
import dev.realtime.benchmarks.starter.Bench;
import dev.realtime.benchmarks.starter.BenchChannel;
import dev.realtime.delivery.LocalFanOut;
import dev.realtime.engine.Replay;
import dev.realtime.engine.memory.InMemoryEngine;
import dev.realtime.support.BeanValidationPayloadValidator;
import dev.realtime.support.PayloadCodec;
import dev.realtime.support.RealtimeTemplate;
import jakarta.validation.Validation;
import jakarta.validation.ValidatorFactory;
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
import tools.jackson.databind.json.JsonMapper;

/**
 * Publishing one typed message through {@link RealtimeTemplate#publish}: validation,
 * encoding, the envelope and the in-memory engine, with no subscriber or one. S2's
 * in-process publisher does this for every delivery.
 *
 * @author Realtime team
 * @since 0.1.0
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class PublishBenchmark {

	@Param({ "0", "1" })
	int subscribers;

	private ValidatorFactory validation;

	private InMemoryEngine engine;

	private RealtimeTemplate template;

	private Topic<Bench.Tick> topic;

	private Bench.Tick tick;

	private Disposable subscription;

	@Setup
	public void setUp() {
		this.validation = Validation.buildDefaultValidatorFactory();
		this.engine = new InMemoryEngine(100, Duration.ofMinutes(10), Clock.systemUTC());
		PayloadCodec codec = new PayloadCodec(JsonMapper.builder().build(),
				new BeanValidationPayloadValidator(this.validation.getValidator()), 65536);
		LocalFanOut fanOut = new LocalFanOut(this.engine, 1024, Duration.ofSeconds(5));
		this.template = new RealtimeTemplate(fanOut, codec, Duration.ofSeconds(5));
		this.topic = BenchChannel.of("1").tick();
		this.tick = new Bench.Tick(Payloads.micros(), Payloads.PADDING);
		this.subscription = (this.subscribers > 0)
				? fanOut.subscribe(this.topic.channel().name(), Set.of(this.topic.name()), Replay.none()).subscribe()
				: () -> {
				};
	}

	@TearDown
	public void tearDown() {
		this.subscription.dispose();
		this.engine.destroy();
		this.validation.close();
	}

	@Benchmark
	public PublishResult publish() {
		return this.template.publish(this.topic, this.tick);
	}

}
