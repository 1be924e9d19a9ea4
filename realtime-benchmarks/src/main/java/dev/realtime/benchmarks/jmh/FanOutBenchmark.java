package dev.realtime.benchmarks.jmh;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import dev.realtime.MessageKind;
import dev.realtime.benchmarks.Payloads;
import dev.realtime.delivery.ChannelStream;
import dev.realtime.delivery.LocalFanOut;
import dev.realtime.delivery.StreamLoop;
import dev.realtime.engine.EngineMessage;
import dev.realtime.engine.PublishRequest;
import dev.realtime.engine.Replay;
import dev.realtime.engine.memory.InMemoryEngine;
import dev.realtime.metrics.RealtimeStatistics.Subscriber;
import org.jspecify.annotations.Nullable;
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

/**
 * Publishing one message to N subscribers of a channel through the in-memory engine and
 * the node's {@link LocalFanOut}, each subscriber a {@link ChannelStream} as the
 * transports use it, all on one loop that runs on the publishing thread: the score times
 * N is the hub's deliveries per second on one thread, without a transport's writes.
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

	private final List<ChannelStream> streams = new ArrayList<>();

	@Setup
	public void setUp() {
		this.engine = new InMemoryEngine(100, Duration.ofMinutes(10), Clock.systemUTC());
		LocalFanOut fanOut = new LocalFanOut(this.engine, 1024, Duration.ofSeconds(5));
		this.request = new PublishRequest("bench:1", "tick", Payloads.json(1).getBytes(StandardCharsets.UTF_8), null,
				MessageKind.DATA, true);
		for (int i = 0; i < this.subscribers; i++) {
			ChannelStream stream = new ChannelStream(new Counting(), "bench:1", Set.of("tick"), Replay.none(), fanOut);
			stream.join();
			this.streams.add(stream);
		}
	}

	@TearDown
	public void tearDown() {
		this.streams.forEach(ChannelStream::close);
		this.engine.destroy();
	}

	@Benchmark
	public EngineMessage publish() {
		return this.engine.publish(this.request).toFuture().join();
	}

	/**
	 * Counts every message as it arrives, always writable.
	 */
	static final class Counting implements ChannelStream.Client {

		long count;

		@Override
		public StreamLoop loop() {
			return InlineLoop.INSTANCE;
		}

		@Override
		public Subscriber subscriber() {
			return Subscriber.SSE;
		}

		@Override
		public void subscribed(@Nullable Boolean recovered) {
		}

		@Override
		public void write(EngineMessage message) {
			this.count++;
		}

		@Override
		public void flush() {
		}

		@Override
		public boolean isWritable() {
			return true;
		}

		@Override
		public void whenWritable(Runnable task) {
			task.run();
		}

		@Override
		public void failed(Throwable error) {
			throw new IllegalStateException(error);
		}

		@Override
		public void completed() {
		}

	}

	/**
	 * A loop that runs each task at once on the calling thread.
	 */
	enum InlineLoop implements StreamLoop {

		INSTANCE;

		@Override
		public void execute(Runnable task) {
			task.run();
		}

		@Override
		public Disposable schedule(Runnable task, Duration delay) {
			throw new UnsupportedOperationException();
		}

		@Override
		public Disposable schedulePeriodically(Runnable task, Duration period) {
			throw new UnsupportedOperationException();
		}

	}

}
