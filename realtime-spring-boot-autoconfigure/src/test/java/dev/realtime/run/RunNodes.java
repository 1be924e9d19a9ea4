package dev.realtime.run;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import dev.realtime.Channel;
import dev.realtime.ChannelCatalog;
import dev.realtime.ChannelDefinition;
import dev.realtime.InvalidChannelException;
import dev.realtime.MessageKind;
import dev.realtime.delivery.LocalFanOut;
import dev.realtime.engine.EngineMessage;
import dev.realtime.engine.PublishRequest;
import dev.realtime.engine.RealtimeEngine;
import dev.realtime.engine.Replay;
import dev.realtime.engine.RunLeases;
import dev.realtime.engine.memory.InMemoryEngine;
import dev.realtime.engine.memory.InMemoryRunLeases;
import dev.realtime.support.BeanValidationPayloadValidator;
import dev.realtime.support.PayloadCodec;
import dev.realtime.support.RealtimeTemplate;
import jakarta.validation.Validation;
import reactor.core.Disposable;
import tools.jackson.databind.json.JsonMapper;

/**
 * Several run nodes in one JVM sharing one engine, memo store and leases: the in-memory
 * ones, or any given ones (Redis).
 *
 * @author Realtime team
 */
final class RunNodes implements AutoCloseable {

	final JsonMapper mapper = JsonMapper.builder().build();

	final RealtimeEngine engine;

	final LocalFanOut fanOut;

	final PayloadCodec codec = new PayloadCodec(this.mapper,
			new BeanValidationPayloadValidator(Validation.buildDefaultValidatorFactory().getValidator()), 64 * 1024);

	final RealtimeTemplate template;

	final RunMemoStore memoStore;

	final RunLeases leases;

	private final List<DefaultRealtimeRuns> nodes = new ArrayList<>();

	private final List<Disposable> subscriptions = new ArrayList<>();

	private final List<AutoCloseable> closeables = new ArrayList<>();

	/**
	 * In-memory nodes whose leases expire on the given clock.
	 */
	RunNodes(Clock leaseClock) {
		InMemoryEngine memory = new InMemoryEngine(100, Duration.ofMinutes(1), Clock.systemUTC());
		this.engine = memory;
		this.fanOut = new LocalFanOut(memory, 1024, Duration.ofSeconds(5));
		this.template = new RealtimeTemplate(this.fanOut, this.codec, Duration.ofSeconds(5));
		this.memoStore = new InMemoryRunMemoStore(100, Clock.systemUTC());
		this.leases = new InMemoryRunLeases(memory, leaseClock);
		this.closeables.add(memory::destroy);
	}

	RunNodes(RealtimeEngine engine, RunMemoStore memoStore, RunLeases leases) {
		this.engine = engine;
		this.fanOut = new LocalFanOut(engine, 1024, Duration.ofSeconds(5));
		this.template = new RealtimeTemplate(this.fanOut, this.codec, Duration.ofSeconds(5));
		this.memoStore = memoStore;
		this.leases = leases;
	}

	/**
	 * Start a node with a lease of the given time to live, scanning four times as often.
	 */
	DefaultRealtimeRuns node(Duration leaseTtl, RunDefinition<?, ?>... definitions) {
		// a fan-out of its own, as each node has, which names the node in its leases
		LocalFanOut fanOut = new LocalFanOut(this.engine, 1024, Duration.ofSeconds(5));
		DefaultRealtimeRuns runs = new DefaultRealtimeRuns(fanOut,
				new RealtimeTemplate(fanOut, this.codec, Duration.ofSeconds(5)), this.codec, this.mapper,
				this.memoStore, this.leases, 4, 16);
		runs.setLeaseTtl(leaseTtl);
		runs.setScanInterval(leaseTtl.dividedBy(4));
		runs.setDefinitions(List.of(definitions));
		runs.setChannelCatalog(new JobCatalog());
		this.nodes.add(runs);
		return runs;
	}

	/**
	 * Record every message of a channel, history first, summarized.
	 */
	Queue<String> record(Channel channel) {
		Queue<String> messages = new ConcurrentLinkedQueue<>();
		this.subscriptions
			.add(this.fanOut.subscribe(channel.name(), channel.definition().topics().keySet(), Replay.all())
				.ofType(EngineMessage.class)
				.subscribe((message) -> messages
					.add(message.topic() + " " + new String(message.data(), StandardCharsets.UTF_8))));
		return messages;
	}

	void reply(Channel channel, String topic, String json) {
		byte[] data = json.getBytes(StandardCharsets.UTF_8);
		this.template.publish(new PublishRequest(channel.name(), topic, data, null, MessageKind.DATA, true))
			.toFuture()
			.join();
	}

	static Instant now() {
		return Instant.now();
	}

	@Override
	public void close() throws Exception {
		this.subscriptions.forEach(Disposable::dispose);
		for (DefaultRealtimeRuns node : this.nodes) {
			node.destroy();
		}
		for (AutoCloseable closeable : this.closeables) {
			closeable.close();
		}
	}

	/**
	 * Resolves {@link JobChannel} names, as the generated catalog would.
	 */
	static final class JobCatalog implements ChannelCatalog {

		private static final ChannelDefinition DEFINITION = ChannelDefinition.of(JobChannel.class);

		@Override
		public List<ChannelDefinition> definitions() {
			return List.of(DEFINITION);
		}

		@Override
		public Channel resolve(String name) {
			var parameters = DEFINITION.template().match(name);
			if (parameters == null) {
				throw new InvalidChannelException("No channel named '" + name + "'");
			}
			return TestJobChannel.of(parameters.get("runId"));
		}

		@Override
		public ChannelDefinition definition(Class<?> type) {
			return DEFINITION;
		}

	}

}
