package dev.realtime.benchmarks.jmh;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import dev.realtime.MessageKind;
import dev.realtime.benchmarks.Payloads;
import dev.realtime.engine.EngineMessage;
import dev.realtime.engine.MessageId;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;

/**
 * Cost of one message for N subscribers: the starter encodes the SSE frame once and every
 * subscriber wraps the same bytes; the hand-written server builds and encodes an event
 * per subscriber. The envelope is built outside the measurement.
 *
 * @author Realtime team
 * @since 0.1.0
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class FrameEncodingBenchmark {

	private static final Function<EngineMessage, byte[]> SSE_FRAME = (message) -> {
		byte[] head = ("id: " + message.id() + "\nevent: message\ndata: ").getBytes(StandardCharsets.UTF_8);
		byte[] envelope = message.envelope();
		byte[] frame = new byte[head.length + envelope.length + 2];
		System.arraycopy(head, 0, frame, 0, head.length);
		System.arraycopy(envelope, 0, frame, head.length, envelope.length);
		frame[frame.length - 2] = '\n';
		frame[frame.length - 1] = '\n';
		return frame;
	};

	private final DefaultDataBufferFactory buffers = DefaultDataBufferFactory.sharedInstance;

	private final byte[] data = Payloads.json(1).getBytes(StandardCharsets.UTF_8);

	private final String json = Payloads.json(1);

	private long offset;

	@Param({ "1", "100", "2000" })
	int subscribers;

	private EngineMessage message;

	/**
	 * A new message for every invocation, so that its frame is encoded once in each.
	 */
	@Setup(Level.Invocation)
	public void newMessage() {
		this.message = new EngineMessage(new MessageId(++this.offset, "e1"), "bench:1", "tick", this.data,
				Instant.now(), null, MessageKind.DATA);
	}

	@Benchmark
	public void encodeOnce(Blackhole blackhole) {
		EngineMessage message = this.message;
		for (int i = 0; i < this.subscribers; i++) {
			DataBuffer buffer = this.buffers.wrap(message.frame(SSE_FRAME));
			blackhole.consume(buffer);
		}
	}

	@Benchmark
	public void encodePerSubscriber(Blackhole blackhole) {
		for (int i = 0; i < this.subscribers; i++) {
			String event = "event:message\ndata:" + this.json + "\n\n";
			blackhole.consume(this.buffers.wrap(event.getBytes(StandardCharsets.UTF_8)));
		}
	}

}
