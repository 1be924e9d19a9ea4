package dev.realtime.run;

import java.util.concurrent.Callable;

import dev.realtime.PublishResult;
import dev.realtime.Topic;
import dev.realtime.engine.EngineMessage;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.log.LogMessage;
import org.springframework.util.Assert;

/**
 * A {@link Step} that records what it did in the {@link RunMemoStore} after doing it.
 *
 * @author Realtime team
 */
final class DurableStep implements Step {

	private static final Log logger = LogFactory.getLog(DurableStep.class);

	private static final String PUBLISH = "publish";

	private static final String VALUE = "value";

	private final RunExecution<?> execution;

	private final String id;

	private boolean used;

	DurableStep(RunExecution<?> execution, String id) {
		this.execution = execution;
		this.id = id;
	}

	@Override
	public String id() {
		return this.id;
	}

	@Override
	public <T> PublishResult publish(Topic<T> topic, T payload) {
		Assert.notNull(topic, "'topic' must not be null");
		Assert.notNull(payload, "'payload' must not be null");
		use();
		this.execution.checkTopic(topic);
		Memo recorded = recorded();
		if (recorded != null) {
			expect(recorded, PUBLISH, topic.name());
			String messageId = recorded.messageId();
			Assert.state(messageId != null, "A recorded publish has a message id");
			return new PublishResult(messageId, topic.channel().name(), topic.name());
		}
		EngineMessage message = this.execution.publish(topic, payload, true);
		record(new Memo(PUBLISH, topic.name(), message.id().toString(), null));
		return result(message);
	}

	@Override
	public <V> V run(Class<V> type, Callable<V> work) throws Exception {
		Assert.notNull(type, "'type' must not be null");
		Assert.notNull(work, "'work' must not be null");
		use();
		JsonMapper mapper = this.execution.runs().jsonMapper();
		Memo recorded = recorded();
		if (recorded != null) {
			expect(recorded, VALUE, null);
			return mapper.treeToValue(recorded.value(), type);
		}
		V value = work.call();
		if (value == null) {
			throw new IllegalStateException("Step '" + this.id + "' of run '" + this.execution.runId()
					+ "' returned null; return a value that can be recorded");
		}
		record(new Memo(VALUE, null, null, mapper.valueToTree(value)));
		return value;
	}

	static PublishResult result(EngineMessage message) {
		return new PublishResult(message.id().toString(), message.channel(), message.topic());
	}

	private void use() {
		if (this.used) {
			throw new IllegalStateException("Step '" + this.id + "' of run '" + this.execution.runId()
					+ "' is already used; call run.step(id) once per durable operation");
		}
		this.used = true;
	}

	private @Nullable Memo recorded() {
		DefaultRealtimeRuns runs = this.execution.runs();
		byte[] bytes = runs.await(runs.memoStore().get(this.execution.runId(), this.id));
		return (bytes != null) ? runs.jsonMapper().readValue(bytes, Memo.class) : null;
	}

	private void expect(Memo recorded, String kind, @Nullable String topic) {
		if (!recorded.kind().equals(kind) || (topic != null && !topic.equals(recorded.topic()))) {
			String what = PUBLISH.equals(recorded.kind()) ? "a publish to '" + recorded.topic() + "'" : "a value";
			throw new IllegalStateException("Step '" + this.id + "' of run '" + this.execution.runId() + "' recorded "
					+ what + " in an earlier attempt; a step id must always do the same thing");
		}
	}

	private void record(Memo memo) {
		DefaultRealtimeRuns runs = this.execution.runs();
		byte[] bytes = runs.jsonMapper().writeValueAsBytes(memo);
		// a node that lost the run to another one must not record what it did
		this.execution.checkLease();
		Boolean stored = runs.await(runs.memoStore().putIfAbsent(this.execution.runId(), this.id, bytes));
		if (!Boolean.TRUE.equals(stored)) {
			logger.warn(LogMessage.format(
					"Step '%s' of run '%s' was recorded concurrently: is the run executing " + "on two nodes at once?",
					this.id, this.execution.runId()));
		}
	}

	/**
	 * What a step recorded.
	 *
	 * @param kind {@code publish} or {@code value}
	 * @param topic the topic a publish step published to
	 * @param messageId the id of the message a publish step published
	 * @param value the value a value step computed
	 */
	record Memo(String kind, @Nullable String topic, @Nullable String messageId, @Nullable JsonNode value) {
	}

}
