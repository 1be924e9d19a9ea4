package dev.realtime.run;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import dev.realtime.Channel;
import dev.realtime.MessageKind;
import dev.realtime.RealtimeMessage;
import dev.realtime.delivery.LocalFanOut;
import dev.realtime.engine.PublishRequest;
import dev.realtime.engine.memory.InMemoryEngine;
import dev.realtime.support.PayloadCodec;
import dev.realtime.support.PayloadValidator;
import dev.realtime.support.RealtimeTemplate;
import reactor.core.Disposable;
import tools.jackson.databind.json.JsonMapper;

/**
 * Real runs over the in-memory engine, and helpers to look at what they published.
 *
 * @author Realtime team
 */
final class RunsFixture implements AutoCloseable {

	final JsonMapper mapper = JsonMapper.builder().build();

	final InMemoryEngine engine;

	final LocalFanOut fanOut;

	final PayloadCodec codec = new PayloadCodec(this.mapper, PayloadValidator.NONE, 64 * 1024);

	final RealtimeTemplate template;

	final InMemoryRunMemoStore memoStore = new InMemoryRunMemoStore(100, Clock.systemUTC());

	final DefaultRealtimeRuns runs;

	RunsFixture() {
		this(4, 16);
	}

	RunsFixture(int threads, int queueCapacity) {
		this(threads, queueCapacity, 100);
	}

	/**
	 * Runs over an engine that keeps the given number of messages per channel; with none,
	 * a channel holds state only while someone subscribes to it.
	 */
	RunsFixture(int threads, int queueCapacity, int historySize) {
		this.engine = new InMemoryEngine(historySize, Duration.ofMinutes(1), Clock.systemUTC());
		this.fanOut = new LocalFanOut(this.engine, 1024, Duration.ofSeconds(5));
		this.template = new RealtimeTemplate(this.fanOut, this.codec, Duration.ofSeconds(5));
		this.runs = new DefaultRealtimeRuns(this.fanOut, this.template, this.codec, this.mapper, this.memoStore,
				threads, queueCapacity);
	}

	/**
	 * Record the live messages of a channel from now on, summarized.
	 */
	Recording record(Channel channel) {
		Queue<String> messages = new ConcurrentLinkedQueue<>();
		Disposable subscription = this.template.subscribe(channel, List.of())
			.subscribe((message) -> messages.add(summary(message)));
		return new Recording(messages, subscription);
	}

	/**
	 * Summarize a message as its topic, its JSON payload and whether it has the run id.
	 */
	String summary(RealtimeMessage<?> message) {
		return message.topic() + " " + this.mapper.writeValueAsString(message.data())
				+ ((message.runId() != null) ? "" : " (no run)");
	}

	/**
	 * Publish a reply the way the client publish endpoints do.
	 */
	void reply(Channel channel, String topic, String json) {
		byte[] data = json.getBytes(StandardCharsets.UTF_8);
		this.template.publish(new PublishRequest(channel.name(), topic, data, null, MessageKind.DATA, false))
			.toFuture()
			.join();
	}

	@Override
	public void close() throws Exception {
		this.runs.destroy();
		this.engine.destroy();
	}

	record Recording(Queue<String> messages, Disposable subscription) {

		List<String> list() {
			return List.copyOf(this.messages);
		}

	}

}
