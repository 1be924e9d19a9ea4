package dev.realtime.run;

import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
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
import dev.realtime.ChannelCatalog;
import dev.realtime.MessageKind;
import dev.realtime.RealtimeException;
import dev.realtime.RealtimeMessage;
import dev.realtime.TopicDefinition;
import dev.realtime.delivery.LocalFanOut;
import dev.realtime.engine.EngineMessage;
import dev.realtime.engine.LeaseToken;
import dev.realtime.engine.PublishRequest;
import dev.realtime.engine.Replay;
import dev.realtime.engine.RunLease;
import dev.realtime.engine.RunLeases;
import dev.realtime.engine.memory.InMemoryRunLeases;
import dev.realtime.metrics.RealtimeStatistics;
import dev.realtime.support.PayloadCodec;
import dev.realtime.support.RealtimeTemplate;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;
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
 * <p>
 * Each run's lease is held in {@link RunLeases} and renewed by a heartbeat every third of
 * the lease time to live. Every scan interval the node takes over the runs whose lease
 * expired: a named run (a registered {@link RunDefinition}) executes again here as its
 * next attempt, an ad-hoc run ends {@code failed} with the message {@value #NODE_LOST}. A
 * run whose node died is therefore taken over within the lease time to live plus the scan
 * interval.
 *
 * @author Realtime team
 * @since 0.1.0
 */
public class DefaultRealtimeRuns implements RealtimeRuns, DisposableBean {

	private static final Log logger = LogFactory.getLog(DefaultRealtimeRuns.class);

	/**
	 * How long a run waits for the memo store or for its reply subscription.
	 */
	static final Duration BACKEND_TIMEOUT = Duration.ofSeconds(10);

	/**
	 * The error message of an ad-hoc run whose node was lost.
	 */
	static final String NODE_LOST = "node lost";

	private static final Duration MAX_TICK = Duration.ofSeconds(1);

	private static final Set<String> TERMINAL_STATUSES = Set.of("completed", "failed", "cancelled");

	private final LocalFanOut fanOut;

	private final RealtimeTemplate template;

	private final PayloadCodec codec;

	private final JsonMapper jsonMapper;

	private final RunMemoStore memoStore;

	private final ThreadPoolExecutor executor;

	private final ScheduledExecutorService scheduler;

	private final ConcurrentHashMap<String, RunExecution<?>> active = new ConcurrentHashMap<>();

	private volatile RetryPolicy defaultRetryPolicy = RetryPolicy.none();

	private volatile Duration memoTtl = Duration.ofHours(1);

	private final RunLeases leases;

	private volatile Map<String, RunDefinition<?, ?>> definitions = Map.of();

	private volatile @Nullable ChannelCatalog channelCatalog;

	private volatile Duration leaseTtl = Duration.ofSeconds(15);

	private volatile Duration scanInterval = Duration.ofSeconds(5);

	private volatile Duration streamCoalescing = Duration.ZERO;

	/** Only used from the scheduler thread. */
	private long lastHeartbeat = System.nanoTime();

	/** Only used from the scheduler thread. */
	private long lastScan = System.nanoTime();

	private final Disposable cancellations;

	/**
	 * Create a new instance.
	 * @param fanOut the fan-out of this node, for reply subscriptions and observation
	 * @param template publishes the runs' messages
	 * @param codec encodes lifecycle payloads and decodes replies
	 * @param jsonMapper records the values of durable steps
	 * @param memoStore remembers durable steps across attempts
	 * @param threads how many attempts may execute at once
	 * @param queueCapacity how many runs may wait for a thread; further ones are rejected
	 */
	public DefaultRealtimeRuns(LocalFanOut fanOut, RealtimeTemplate template, PayloadCodec codec, JsonMapper jsonMapper,
			RunMemoStore memoStore, int threads, int queueCapacity) {
		this(fanOut, template, codec, jsonMapper, memoStore, new InMemoryRunLeases(fanOut.engine(), Clock.systemUTC()),
				threads, queueCapacity);
	}

	/**
	 * Create a new instance.
	 * @param fanOut the fan-out of this node, for reply subscriptions and observation
	 * @param template publishes the runs' messages
	 * @param codec encodes lifecycle payloads and decodes replies
	 * @param jsonMapper records the values of durable steps
	 * @param memoStore remembers durable steps across attempts
	 * @param leases the leases of runs, shared by the nodes that may take runs over
	 * @param threads how many attempts may execute at once
	 * @param queueCapacity how many runs may wait for a thread; further ones are rejected
	 */
	public DefaultRealtimeRuns(LocalFanOut fanOut, RealtimeTemplate template, PayloadCodec codec, JsonMapper jsonMapper,
			RunMemoStore memoStore, RunLeases leases, int threads, int queueCapacity) {
		Assert.notNull(leases, "'leases' must not be null");
		Assert.notNull(fanOut, "'fanOut' must not be null");
		Assert.notNull(template, "'template' must not be null");
		Assert.notNull(codec, "'codec' must not be null");
		Assert.notNull(jsonMapper, "'jsonMapper' must not be null");
		Assert.notNull(memoStore, "'memoStore' must not be null");
		Assert.isTrue(threads > 0, "'threads' must be positive");
		Assert.isTrue(queueCapacity >= 0, "'queueCapacity' must not be negative");
		this.fanOut = fanOut;
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
		this.leases = leases;
		this.scheduler.schedule(this::tick, 0, TimeUnit.NANOSECONDS);
		this.cancellations = leases.cancellations()
			.retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofMillis(100)).maxBackoff(Duration.ofSeconds(5)))
			.subscribe(this::cancelRequested,
					(ex) -> logger.warn("Stopped receiving the cancel requests of runs from other nodes", ex));
	}

	/**
	 * Register the run definitions this node can execute, and take over.
	 * @param definitions the definitions, with unique names
	 * @throws IllegalArgumentException if two have the same name or a name is invalid
	 */
	public void setDefinitions(Collection<? extends RunDefinition<?, ?>> definitions) {
		Assert.notNull(definitions, "'definitions' must not be null");
		Map<String, RunDefinition<?, ?>> byName = new LinkedHashMap<>();
		for (RunDefinition<?, ?> definition : definitions) {
			String name = definition.name();
			if (!RunAttempt.isValidId(name)) {
				throw new IllegalArgumentException("Invalid run definition name '" + name
						+ "': use 1 to 128 letters, digits or . _ ~ @ + = : / -");
			}
			RunDefinition<?, ?> other = byName.putIfAbsent(name, definition);
			if (other != null) {
				throw new IllegalArgumentException(
						"Run definitions " + other + " and " + definition + " have the same name '" + name + "'");
			}
		}
		this.definitions = Map.copyOf(byName);
	}

	/**
	 * Set the catalog that resolves the channel of a run this node takes over.
	 * @param channelCatalog the channel catalog
	 */
	public void setChannelCatalog(ChannelCatalog channelCatalog) {
		Assert.notNull(channelCatalog, "'channelCatalog' must not be null");
		this.channelCatalog = channelCatalog;
	}

	/**
	 * Set how long a run's lease lasts unless the node renews it. A run whose node died
	 * is taken over after at most this plus the scan interval. Default: 15 seconds.
	 * @param leaseTtl the lease time to live
	 */
	public void setLeaseTtl(Duration leaseTtl) {
		Assert.isTrue(leaseTtl != null && leaseTtl.toMillis() > 0, "'leaseTtl' must be positive");
		this.leaseTtl = leaseTtl;
	}

	/**
	 * Set how often the node looks for runs whose lease expired. Default: 5 seconds.
	 * @param scanInterval the scan interval
	 */
	public void setScanInterval(Duration scanInterval) {
		Assert.isTrue(scanInterval != null && scanInterval.toMillis() > 0, "'scanInterval' must be positive");
		this.scanInterval = scanInterval;
	}

	/**
	 * Set how long {@link Run#stream} gathers the chunks of a stream before it publishes
	 * them as one. Default: zero, every chunk on its own.
	 * @param streamCoalescing the time, zero for none
	 */
	public void setStreamCoalescing(Duration streamCoalescing) {
		Assert.isTrue(streamCoalescing != null && !streamCoalescing.isNegative(),
				"'streamCoalescing' must not be negative");
		this.streamCoalescing = streamCoalescing;
	}

	Duration streamCoalescing() {
		return this.streamCoalescing;
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
		return start(channel, options, work, null, null);
	}

	@Override
	public <I, R> RunHandle<R> start(RunDefinition<I, R> definition, Channel channel, I input, RunOptions options) {
		Assert.notNull(definition, "'definition' must not be null");
		Assert.notNull(channel, "'channel' must not be null");
		Assert.notNull(input, "'input' must not be null");
		Assert.notNull(options, "'options' must not be null");
		if (this.definitions.get(definition.name()) != definition) {
			throw new IllegalArgumentException(definition + " is not registered: declare it as a bean (or pass it "
					+ "to setDefinitions) so that every node can take its runs over");
		}
		byte[] encoded = this.codec.encode("input of " + definition, input);
		return start(channel, options, (run) -> definition.execute(run, input), definition.name(), encoded);
	}

	@Override
	public RunHandle<?> start(String definition, Channel channel, Object input, RunOptions options) {
		Assert.notNull(definition, "'definition' must not be null");
		Assert.notNull(input, "'input' must not be null");
		RunDefinition<?, ?> registered = this.definitions.get(definition);
		if (registered == null) {
			throw new IllegalArgumentException(
					"No run definition named '" + definition + "'; registered: " + this.definitions.keySet());
		}
		return startConverted(registered, channel, input, options);
	}

	private <I, R> RunHandle<R> startConverted(RunDefinition<I, R> definition, Channel channel, Object input,
			RunOptions options) {
		Class<I> type = definition.inputType();
		I typed = type.isInstance(input) ? type.cast(input) : this.jsonMapper.convertValue(input, type);
		return start(definition, channel, typed, options);
	}

	private <R> RunHandle<R> start(Channel channel, RunOptions options, RunWork<R> work, @Nullable String definition,
			byte @Nullable [] input) {
		String runId = (options.runId() != null) ? options.runId() : UUID.randomUUID().toString();
		RetryPolicy retry = (options.retry() != null) ? options.retry() : this.defaultRetryPolicy;
		RunExecution<R> execution = new RunExecution<>(this, runId, channel, work, retry, definition, input);
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

	/**
	 * Return how many runs execute on this node now.
	 * @return the number of active runs
	 */
	public int activeCount() {
		return this.active.size();
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
		return this.fanOut.subscribe(channel.name(), channel.definition().topics().keySet(), Replay.all())
			.ofType(EngineMessage.class)
			.filter((message) -> runId.equals(message.runId()))
			.map((message) -> this.template.decode(channel, message))
			.takeUntil(DefaultRealtimeRuns::isTerminal);
	}

	@Override
	public Mono<RunCancellation> cancel(Channel channel, String runId) {
		Assert.notNull(channel, "'channel' must not be null");
		Assert.notNull(runId, "'runId' must not be null");
		return Mono.defer(() -> {
			RunExecution<?> local = this.active.get(runId);
			if (local != null && local.channel().name().equals(channel.name())) {
				return Mono.just(local.cancel() ? RunCancellation.CANCELLED : RunCancellation.ALREADY_ENDED);
			}
			return this.leases.cancel(channel.name(), runId).map((result) -> switch (result) {
				case REQUESTED -> RunCancellation.REQUESTED;
				case ENDED -> RunCancellation.ALREADY_ENDED;
				case UNKNOWN -> RunCancellation.UNKNOWN;
			});
		});
	}

	private void cancelRequested(String runId) {
		RunExecution<?> local = this.active.get(runId);
		if (local != null) {
			local.cancel();
		}
	}

	/**
	 * Renew the leases of this node's runs and take over expired ones, when due, then
	 * schedule the next tick.
	 */
	private void tick() {
		try {
			long now = System.nanoTime();
			// intervals are read at each tick: they may be set after construction
			if (now - this.lastHeartbeat >= this.leaseTtl.toNanos() / 3) {
				this.lastHeartbeat = now;
				heartbeat(now);
			}
			if (now - this.lastScan >= this.scanInterval.toNanos()) {
				this.lastScan = now;
				scan();
			}
		}
		catch (RuntimeException ex) {
			logger.warn("Run lease heartbeat failed", ex);
		}
		finally {
			long delay = Math.min(Math.min(this.leaseTtl.toNanos() / 12, this.scanInterval.toNanos() / 4),
					MAX_TICK.toNanos());
			try {
				this.scheduler.schedule(this::tick, Math.max(delay, 1_000_000), TimeUnit.NANOSECONDS);
			}
			catch (RejectedExecutionException ex) {
				// shut down
			}
		}
	}

	private void heartbeat(long now) {
		Duration ttl = this.leaseTtl;
		for (RunExecution<?> execution : this.active.values()) {
			execution.checkLease(now);
			LeaseToken lease = execution.lease();
			if (lease != null && !execution.status().isTerminal()) {
				this.leases.renew(lease, Math.max(execution.status().attempt(), 1), ttl)
					.timeout(ttl.dividedBy(3))
					.subscribe((renewal) -> execution.renewed(renewal, now), (ex) -> logger
						.debug(LogMessage.format("Could not renew the lease of run '%s'", execution.runId()), ex));
			}
		}
	}

	private void scan() {
		if (this.executor.isShutdown()) {
			return;
		}
		this.leases.takeOver(this.fanOut.nodeId(), this.definitions.keySet(), this.leaseTtl)
			.timeout(this.leaseTtl)
			.subscribe(this::takeOver, (ex) -> logger.debug("Could not look for runs to take over", ex));
	}

	/**
	 * Continue, or end, a run this node just took over from a node that lost its lease.
	 * @param lease the new lease
	 */
	private void takeOver(RunLease lease) {
		String runId = lease.token().runId();
		String definitionName = lease.definition();
		try {
			if (lease.cancelRequested()) {
				endTakenOver(lease, new RunExecution.Cancelled("cancelled"));
				return;
			}
			if (definitionName == null) {
				logger.warn(LogMessage.format("Run '%s' failed: its node was lost and it is ad hoc, so no other "
						+ "node can execute it; declare a RunDefinition to make it survive", runId));
				endTakenOver(lease, new RunExecution.Failed("failed", new RunExecution.Error(NODE_LOST)));
				return;
			}
			if (lease.attempt() > lease.maxAttempts()) {
				logger.warn(LogMessage.format("Run '%s' failed: its node was lost in its last attempt", runId));
				endTakenOver(lease, new RunExecution.Failed("failed",
						new RunExecution.Error(NODE_LOST + " in the last of " + lease.maxAttempts() + " attempts")));
				return;
			}
			RunDefinition<?, ?> definition = this.definitions.get(definitionName);
			ChannelCatalog catalog = this.channelCatalog;
			byte[] input = lease.input();
			Assert.state(definition != null && input != null, "A named run has its definition and input");
			Assert.state(catalog != null, "Taking a run over needs a channel catalog");
			Channel channel = catalog.resolve(lease.token().channel());
			resume(definition, channel, input, lease);
		}
		catch (RuntimeException ex) {
			logger.warn(LogMessage.format("Run '%s' taken over from a lost node could not continue", runId), ex);
			endTakenOver(lease,
					new RunExecution.Failed("failed", new RunExecution.Error(RunFailureException.GENERIC_MESSAGE)));
		}
	}

	private <I> void resume(RunDefinition<I, ?> definition, Channel channel, byte[] input, RunLease lease) {
		I value = this.jsonMapper.readValue(input, definition.inputType());
		String runId = lease.token().runId();
		RetryPolicy retry = RetryPolicy.of(lease.maxAttempts(), this.defaultRetryPolicy.backoff(1));
		logger.info(LogMessage.format("Taking over run '%s' (%s) as attempt %d", runId, definition.name(),
				lease.attempt()));
		RunExecution<?> execution = new RunExecution<>(this, runId, channel, (run) -> definition.execute(run, value),
				retry, definition.name(), input, lease);
		RunExecution<?> previous = this.active.put(runId, execution);
		if (previous != null) {
			// this node held the run before, paused and lost it: that one is stale
			previous.renewed(RunLeases.Renewal.LOST, System.nanoTime());
		}
		execution.start();
	}

	private void endTakenOver(RunLease lease, Object status) {
		String channel = lease.token().channel();
		byte[] data = this.codec.encodeTrusted(channel + "/" + TopicDefinition.RUN_TOPIC, status);
		PublishRequest request = new PublishRequest(channel, TopicDefinition.RUN_TOPIC, data, lease.token().runId(),
				MessageKind.RUN, true);
		this.leases.publish(lease.token(), request)
			.then(this.leases.release(lease.token(), this.memoTtl))
			.timeout(BACKEND_TIMEOUT)
			.subscribe(null, (ex) -> logger.warn(
					LogMessage.format("Could not end run '%s' taken over from a lost node", lease.token().runId()),
					ex));
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
		this.cancellations.dispose();
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
	 * Wait, on a run's thread, for a call to the memo store or a reply subscription.
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
	<T> @Nullable T await(CompletableFuture<@Nullable T> future) {
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

	/**
	 * Forget a run that stopped on this node.
	 * @param execution the run
	 * @param ended whether the run ended: its lease is released and the records of its
	 * durable steps expire after the memo ttl; {@code false} when this node lost the
	 * lease, or could not publish the terminal status, so that another node may take the
	 * run over and skip the steps recorded so far
	 */
	void ended(RunExecution<?> execution, boolean ended) {
		this.active.remove(execution.runId(), execution);
		if (!ended) {
			return;
		}
		LeaseToken lease = execution.lease();
		if (lease != null) {
			this.leases.release(lease, this.memoTtl)
				.subscribe(null, (ex) -> logger
					.warn(LogMessage.format("Could not release the lease of run '%s'", execution.runId()), ex));
		}
		this.memoStore.complete(execution.runId(), this.memoTtl)
			.subscribe(null, (ex) -> logger
				.warn(LogMessage.format("Could not set the expiry of the memos of run '%s'", execution.runId()), ex));
	}

	RunLeases leases() {
		return this.leases;
	}

	Duration leaseTtl() {
		return this.leaseTtl;
	}

	String nodeId() {
		return this.fanOut.nodeId();
	}

	RealtimeStatistics statistics() {
		return this.fanOut.statistics();
	}

	LocalFanOut fanOut() {
		return this.fanOut;
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
