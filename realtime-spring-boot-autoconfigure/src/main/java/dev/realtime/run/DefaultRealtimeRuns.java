package dev.realtime.run;

import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import dev.realtime.Channel;
import dev.realtime.MessageKind;
import dev.realtime.RealtimeException;
import dev.realtime.RealtimeMessage;
import dev.realtime.engine.EngineMessage;
import dev.realtime.engine.RealtimeEngine;
import dev.realtime.engine.Replay;
import dev.realtime.support.PayloadCodec;
import dev.realtime.support.RealtimeTemplate;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.core.log.LogMessage;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.springframework.util.Assert;

/**
 * The default {@link RealtimeRuns}. Attempts execute on a bounded pool of its own
 * threads, never on the caller's; waits between attempts hold no thread. Runs that are
 * still active when it is destroyed are cancelled.
 *
 * @author Realtime team
 * @since 0.1.0
 */
public class DefaultRealtimeRuns implements RealtimeRuns, DisposableBean {

	private static final Log logger = LogFactory.getLog(DefaultRealtimeRuns.class);

	/**
	 * How long a run waits for the memo store or for its reply subscription.
	 */
	private static final Duration BACKEND_TIMEOUT = Duration.ofSeconds(10);

	private static final Set<String> TERMINAL_STATUSES = Set.of("completed", "failed", "cancelled");

	private final RealtimeEngine engine;

	private final RealtimeTemplate template;

	private final PayloadCodec codec;

	private final JsonMapper jsonMapper;

	private final RunMemoStore memoStore;

	private final ThreadPoolExecutor executor;

	private final ScheduledExecutorService scheduler;

	private final ConcurrentHashMap<String, RunExecution<?>> active = new ConcurrentHashMap<>();

	private volatile RetryPolicy defaultRetryPolicy = RetryPolicy.none();

	private volatile Duration memoTtl = Duration.ofHours(1);

	/**
	 * Create a new instance.
	 * @param engine the engine, for reply subscriptions and observation
	 * @param template publishes the runs' messages
	 * @param codec encodes lifecycle payloads and decodes replies
	 * @param jsonMapper records the values of durable steps
	 * @param memoStore remembers durable steps across attempts
	 * @param threads how many attempts may execute at once
	 * @param queueCapacity how many runs may wait for a thread; further ones are rejected
	 */
	public DefaultRealtimeRuns(RealtimeEngine engine, RealtimeTemplate template, PayloadCodec codec,
			JsonMapper jsonMapper, RunMemoStore memoStore, int threads, int queueCapacity) {
		Assert.notNull(engine, "'engine' must not be null");
		Assert.notNull(template, "'template' must not be null");
		Assert.notNull(codec, "'codec' must not be null");
		Assert.notNull(jsonMapper, "'jsonMapper' must not be null");
		Assert.notNull(memoStore, "'memoStore' must not be null");
		Assert.isTrue(threads > 0, "'threads' must be positive");
		Assert.isTrue(queueCapacity >= 0, "'queueCapacity' must not be negative");
		this.engine = engine;
		this.template = template;
		this.codec = codec;
		this.jsonMapper = jsonMapper;
		this.memoStore = memoStore;
		BlockingQueue<Runnable> queue = (queueCapacity > 0) ? new ArrayBlockingQueue<>(queueCapacity)
				: new SynchronousQueue<>();
		this.executor = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, queue,
				new CustomizableThreadFactory("realtime-run-"));
		this.executor.allowCoreThreadTimeOut(true);
		CustomizableThreadFactory retryThreads = new CustomizableThreadFactory("realtime-run-retry-");
		retryThreads.setDaemon(true);
		this.scheduler = Executors.newSingleThreadScheduledExecutor(retryThreads);
	}

	/**
	 * Set the retry policy of runs started without one. Default: no retry.
	 * @param defaultRetryPolicy the retry policy
	 */
	public void setDefaultRetryPolicy(RetryPolicy defaultRetryPolicy) {
		Assert.notNull(defaultRetryPolicy, "'defaultRetryPolicy' must not be null");
		this.defaultRetryPolicy = defaultRetryPolicy;
	}

	/**
	 * Set how long the memo store keeps a run's durable steps after the run ended, so
	 * that a run started again with the same id does not repeat them. Default: one hour.
	 * @param memoTtl the time to keep memos
	 */
	public void setMemoTtl(Duration memoTtl) {
		Assert.isTrue(memoTtl != null && !memoTtl.isNegative(), "'memoTtl' must not be negative");
		this.memoTtl = memoTtl;
	}

	@Override
	public <R> RunHandle<R> start(Channel channel, RunWork<R> work) {
		return start(channel, RunOptions.defaults(), work);
	}

	@Override
	public <R> RunHandle<R> start(Channel channel, RunOptions options, RunWork<R> work) {
		Assert.notNull(channel, "'channel' must not be null");
		Assert.notNull(options, "'options' must not be null");
		Assert.notNull(work, "'work' must not be null");
		String runId = (options.runId() != null) ? options.runId() : UUID.randomUUID().toString();
		RetryPolicy retry = (options.retry() != null) ? options.retry() : this.defaultRetryPolicy;
		RunExecution<R> execution = new RunExecution<>(this, runId, channel, work, retry);
		if (this.active.putIfAbsent(runId, execution) != null) {
			throw new IllegalStateException("Run '" + runId + "' is already active on this node");
		}
		try {
			execution.start();
		}
		catch (RuntimeException ex) {
			this.active.remove(runId, execution);
			throw ex;
		}
		return execution;
	}

	@Override
	public @Nullable RunHandle<?> find(String runId) {
		Assert.notNull(runId, "'runId' must not be null");
		return this.active.get(runId);
	}

	@Override
	public Flux<RealtimeMessage<Object>> observe(Channel channel, String runId) {
		Assert.notNull(channel, "'channel' must not be null");
		Assert.notNull(runId, "'runId' must not be null");
		return this.engine.subscribe(channel.name(), Replay.all())
			.ofType(EngineMessage.class)
			.filter((message) -> runId.equals(message.runId()))
			.map((message) -> this.template.decode(channel, message))
			.takeUntil(DefaultRealtimeRuns::isTerminal);
	}

	private static boolean isTerminal(RealtimeMessage<Object> message) {
		return message.kind() == MessageKind.RUN && message.data() instanceof JsonNode data
				&& TERMINAL_STATUSES.contains(data.path("status").asString());
	}

	/**
	 * Cancel the active runs and stop the threads.
	 * @throws InterruptedException if interrupted while waiting for the threads to stop
	 */
	@Override
	public void destroy() throws InterruptedException {
		this.active.values().forEach(RunExecution::cancel);
		this.scheduler.shutdownNow();
		this.executor.shutdownNow();
		this.executor.awaitTermination(BACKEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
	}

	void execute(String runId, Runnable attempt) {
		try {
			this.executor.execute(attempt);
		}
		catch (RejectedExecutionException ex) {
			String reason = this.executor.isShutdown() ? "run threads are shut down"
					: "all " + this.executor.getMaximumPoolSize() + " run threads are busy and the queue of "
							+ (this.executor.getQueue().size() + this.executor.getQueue().remainingCapacity())
							+ " waiting runs is full; raise realtime.runs.threads or realtime.runs.queue-capacity";
			throw new RunRejectedException("Cannot execute run '" + runId + "': " + reason, ex);
		}
	}

	boolean isShutdown() {
		return this.executor.isShutdown();
	}

	ScheduledFuture<?> schedule(Runnable task, Duration delay) {
		try {
			return this.scheduler.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (RejectedExecutionException ex) {
			throw new RunRejectedException("Cannot schedule a retry: run threads are shut down", ex);
		}
	}

	/**
	 * Wait, on a run's thread, for a call to the memo store or the engine subscription.
	 * @param <T> the result type
	 * @param call the call
	 * @return its result, or {@code null} if empty
	 */
	<T> @Nullable T await(Mono<T> call) {
		return await(call.timeout(BACKEND_TIMEOUT).toFuture());
	}

	/**
	 * Wait, on a run's thread, for an issued publish or store call.
	 * @param <T> the result type
	 * @param future the call
	 * @return its result
	 * @throws CancellationException if the thread is interrupted, as when the run is
	 * cancelled
	 */
	<T> @Nullable T await(CompletableFuture<T> future) {
		try {
			return future.get();
		}
		catch (ExecutionException ex) {
			Throwable cause = ex.getCause();
			if (cause instanceof RuntimeException runtime) {
				throw runtime;
			}
			if (cause instanceof Error error) {
				throw error;
			}
			throw new RealtimeException("Run backend call failed: " + cause, cause);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new CancellationException("Interrupted while waiting");
		}
	}

	void ended(RunExecution<?> execution) {
		this.active.remove(execution.runId(), execution);
		this.memoStore.complete(execution.runId(), this.memoTtl)
			.subscribe(null, (ex) -> logger
				.warn(LogMessage.format("Could not set the expiry of the memos of run '%s'", execution.runId()), ex));
	}

	RealtimeEngine engine() {
		return this.engine;
	}

	RealtimeTemplate template() {
		return this.template;
	}

	PayloadCodec codec() {
		return this.codec;
	}

	JsonMapper jsonMapper() {
		return this.jsonMapper;
	}

	RunMemoStore memoStore() {
		return this.memoStore;
	}

}
