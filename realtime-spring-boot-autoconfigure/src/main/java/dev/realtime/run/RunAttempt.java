package dev.realtime.run;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;
import java.util.regex.Pattern;

import dev.realtime.Channel;
import dev.realtime.PublishResult;
import dev.realtime.RealtimeException;
import dev.realtime.Topic;
import dev.realtime.engine.EngineMessage;
import dev.realtime.metrics.RealtimeStatistics;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;

import org.springframework.util.Assert;

/**
 * The {@link Run} context of one attempt.
 *
 * @author Realtime team
 */
final class RunAttempt implements Run {

	/** The most chunks of a stream published as one when they are coalesced. */
	private static final int MAX_COALESCED_CHUNKS = 256;

	private static final Pattern STEP_ID = Pattern.compile("[A-Za-z0-9._~@+=:/-]{1," + Step.MAX_ID_LENGTH + "}");

	private static final int PREFETCH = 32;

	private static final Object COMPLETE = new Object();

	private final RunExecution<?> execution;

	private final int attempt;

	private final Set<String> stepIds = new HashSet<>();

	RunAttempt(RunExecution<?> execution, int attempt) {
		this.execution = execution;
		this.attempt = attempt;
	}

	@Override
	public String runId() {
		return this.execution.runId();
	}

	@Override
	public int attempt() {
		return this.attempt;
	}

	@Override
	public Channel channel() {
		return this.execution.channel();
	}

	@Override
	public <T> PublishResult publish(Topic<T> topic, T payload) {
		Assert.notNull(topic, "'topic' must not be null");
		Assert.notNull(payload, "'payload' must not be null");
		return DurableStep.result(this.execution.publish(topic, payload, false));
	}

	@Override
	public Step step(String id) {
		Assert.notNull(id, "'id' must not be null");
		if (!STEP_ID.matcher(id).matches()) {
			String shown = (id.length() > 40) ? id.substring(0, 40) + "…" : id;
			throw new IllegalArgumentException("Invalid step id '" + shown.replaceAll("\\p{Cntrl}", "?")
					+ "': use 1 to " + Step.MAX_ID_LENGTH + " letters, digits or . _ ~ @ + = : / -");
		}
		if (!this.stepIds.add(id)) {
			throw new IllegalStateException("Step '" + id + "' is used twice in attempt " + this.attempt + " of run '"
					+ runId() + "'; step ids must be unique within a run");
		}
		return new DurableStep(this.execution, id);
	}

	@Override
	@SuppressWarnings("unchecked")
	public <T> void consume(Publisher<T> source, Consumer<? super T> consumer) throws InterruptedException {
		Assert.notNull(source, "'source' must not be null");
		Assert.notNull(consumer, "'consumer' must not be null");
		BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
		BaseSubscriber<T> subscriber = new BaseSubscriber<>() {

			@Override
			protected void hookOnSubscribe(Subscription subscription) {
				subscription.request(PREFETCH);
			}

			@Override
			protected void hookOnNext(T value) {
				queue.add(value);
			}

			@Override
			protected void hookOnComplete() {
				queue.add(COMPLETE);
			}

			@Override
			protected void hookOnError(Throwable error) {
				queue.add(new Failure(error));
			}

		};
		this.execution.consuming(subscriber);
		try {
			Flux.from(source).subscribe(subscriber);
			int taken = 0;
			while (true) {
				Object item = queue.take();
				if (item == COMPLETE) {
					return;
				}
				if (item instanceof Failure failure) {
					if (failure.error() instanceof RuntimeException runtime) {
						throw runtime;
					}
					if (failure.error() instanceof Error error) {
						throw error;
					}
					throw new RealtimeException("The source of run '" + runId() + "' failed", failure.error());
				}
				consumer.accept((T) item);
				if (++taken == PREFETCH / 2) {
					subscriber.request(taken);
					taken = 0;
				}
			}
		}
		finally {
			subscriber.dispose();
			this.execution.doneConsuming(subscriber);
		}
	}

	@Override
	public String stream(Topic<String> topic, Publisher<String> chunks) throws InterruptedException {
		Assert.notNull(chunks, "'chunks' must not be null");
		if (!topic.definition().stream()) {
			throw new IllegalArgumentException(
					"Topic " + topic + " is no stream topic; declare it with @TopicOptions(stream = true)");
		}
		Flux<String> source = Flux.from(chunks);
		Duration coalescing = this.execution.streamCoalescing();
		if (!coalescing.isZero()) {
			// fewer, larger chunks: one frame and one system call per subscriber for many
			// tokens; buffers keep their order
			source = source.bufferTimeout(MAX_COALESCED_CHUNKS, coalescing, true)
				.map((batch) -> String.join("", batch));
		}
		StringBuilder text = new StringBuilder();
		consume(source, (chunk) -> {
			publish(topic, chunk);
			text.append(chunk);
		});
		return text.toString();
	}

	static boolean isValidId(String id) {
		return STEP_ID.matcher(id).matches();
	}

	@Override
	@SuppressWarnings("unchecked")
	public <T> T awaitReply(Topic<T> topic, Duration timeout) throws InterruptedException {
		Assert.notNull(topic, "'topic' must not be null");
		Assert.notNull(timeout, "'timeout' must not be null");
		this.execution.checkTopic(topic);
		RealtimeStatistics statistics = this.execution.runs().statistics();
		EngineMessage reply;
		statistics.replyWaitStarted();
		try {
			reply = this.execution.replies().take(topic.name(), timeout);
		}
		finally {
			statistics.replyWaitEnded();
		}
		if (reply == null) {
			throw new ReplyTimeoutException(runId(), topic.name(), timeout);
		}
		return (T) this.execution.runs().codec().decode(topic.definition(), reply.data());
	}

	private record Failure(Throwable error) {
	}

}
