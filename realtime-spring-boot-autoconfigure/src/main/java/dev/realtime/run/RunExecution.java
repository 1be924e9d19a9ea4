package dev.realtime.run;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import dev.realtime.Channel;
import dev.realtime.MessageKind;
import dev.realtime.PublishException;
import dev.realtime.RealtimeException;
import dev.realtime.RealtimeMessage;
import dev.realtime.Topic;
import dev.realtime.TopicDefinition;
import dev.realtime.engine.EngineMessage;
import dev.realtime.engine.History;
import dev.realtime.engine.LeaseLostException;
import dev.realtime.engine.LeaseToken;
import dev.realtime.engine.PublishRequest;
import dev.realtime.engine.Replay;
import dev.realtime.engine.RunLease;
import dev.realtime.engine.RunLeases;
import dev.realtime.metrics.RealtimeStatistics.PublishSource;
import dev.realtime.metrics.RealtimeStatistics.RunEvent;
import dev.realtime.run.RunStatus.State;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.core.log.LogMessage;
import org.springframework.util.Assert;

/**
 * One run: its attempts, retries and lifecycle. Every publish of the run is issued under
 * the run's lock after checking that the run has not ended, and the terminal status is
 * issued under the same lock, so that nothing the run publishes follows its terminal
 * status. The lock is held only to issue a publish, never while waiting for one.
 * <p>
 * The node holds the run's lease while it executes it, and every publish of the run is
 * fenced by the lease: once the lease is lost (expired, or another node took the run
 * over) the run is abandoned here without publishing anything more.
 *
 * @param <R> the result type
 * @author Realtime team
 */
final class RunExecution<R> implements RunHandle<R> {

	/** An empty text, as a JSON string: what a reset stream starts from. */
	private static final byte[] EMPTY_TEXT = { '"', '"' };

	private static final Log logger = LogFactory.getLog(RunExecution.class);

	private static final int MAX_ERROR_MESSAGE_LENGTH = 1024;

	private static final Duration RESUBMIT_DELAY = Duration.ofMillis(100);

	private final DefaultRealtimeRuns runs;

	private final String runId;

	private final Channel channel;

	private final RunWork<R> work;

	private final RetryPolicy retry;

	private final RunReplies replies;

	private final @Nullable String definition;

	private final byte @Nullable [] input;

	private final int firstAttempt;

	private final Instant startedAt;

	/** Written once the lease is held; {@code null} before. */
	private volatile @Nullable LeaseToken lease;

	/** {@link System#nanoTime()} until which the lease is known to be held. */
	private volatile long heldUntil;

	private final CompletableFuture<@Nullable R> outcome = new CompletableFuture<>();

	private final Object lock = new Object();

	/** Written under the lock. */
	private volatile RunStatus status = new RunStatus(State.PENDING, 0);

	/** Guarded by the lock: the thread executing an attempt. */
	private @Nullable Thread worker;

	/** Guarded by the lock: the scheduled next attempt. */
	private @Nullable ScheduledFuture<?> nextAttempt;

	/** Guarded by the lock: the upstream the current attempt consumes, if any. */
	private @Nullable Disposable consumed;

	// Create a run started on this node
	RunExecution(DefaultRealtimeRuns runs, String runId, Channel channel, RunWork<R> work, RetryPolicy retry,
			@Nullable String definition, byte @Nullable [] input) {
		this(runs, runId, channel, work, retry, definition, input, null);
	}

	// Create a run, started here or taken over from a node that lost its lease
	RunExecution(DefaultRealtimeRuns runs, String runId, Channel channel, RunWork<R> work, RetryPolicy retry,
			@Nullable String definition, byte @Nullable [] input, @Nullable RunLease takenOver) {
		this.runs = runs;
		this.runId = runId;
		this.channel = channel;
		this.work = work;
		this.retry = retry;
		this.definition = definition;
		this.input = input;
		this.firstAttempt = (takenOver != null) ? takenOver.attempt() : 1;
		this.startedAt = (takenOver != null) ? takenOver.startedAt() : Instant.now();
		if (takenOver != null) {
			this.lease = takenOver.token();
			this.heldUntil = System.nanoTime() + runs.leaseTtl().toNanos();
		}
		// a run taken over also takes the replies its earlier node did not live to read
		this.replies = new RunReplies(runs.fanOut(), channel, runId, (takenOver != null) ? this.startedAt : null);
	}

	/**
	 * Subscribe to replies and submit the first attempt.
	 * @throws RunRejectedException if the executor is full
	 */
	void start() {
		this.replies.start();
		try {
			this.runs.execute(this.runId, () -> attempt(this.firstAttempt));
		}
		catch (RunRejectedException ex) {
			this.replies.stop();
			throw ex;
		}
		this.runs.statistics().run(RunEvent.STARTED);
	}

	@Override
	public String runId() {
		return this.runId;
	}

	@Override
	public Channel channel() {
		return this.channel;
	}

	@Override
	public RunStatus status() {
		return this.status;
	}

	@Override
	public @Nullable R await(Duration timeout) throws InterruptedException, TimeoutException {
		if (!this.outcome.isDone() && Schedulers.isInNonBlockingThread()) {
			throw new IllegalStateException("RunHandle.await(..) would block the non-blocking thread "
					+ Thread.currentThread().getName() + "; use result() in reactive code");
		}
		try {
			return this.outcome.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (ExecutionException ex) {
			throw (RuntimeException) ex.getCause();
		}
	}

	@Override
	public Mono<R> result() {
		return Mono.fromFuture(this.outcome, true);
	}

	@Override
	public boolean cancel() {
		return finish(State.CANCELLED, new Cancelled("cancelled"), (future) -> future
			.completeExceptionally(new CancellationException("Run '" + this.runId + "' was cancelled")));
	}

	@Override
	public Flux<RealtimeMessage<Object>> messages() {
		return this.runs.observe(this.channel, this.runId);
	}

	private void attempt(int attempt) {
		synchronized (this.lock) {
			if (this.status.isTerminal()) {
				return;
			}
			this.status = new RunStatus(State.RUNNING, attempt);
			this.worker = Thread.currentThread();
			this.nextAttempt = null;
		}
		try {
			holdLease(attempt);
			// replies published from "running" on must reach the run
			this.runs.await(Mono.fromFuture(this.replies.subscribed(), true));
			this.runs.await(issue(lifecycle(new Running("running", attempt))));
			if (attempt > 1) {
				resetStreams();
			}
			complete(this.work.execute(new RunAttempt(this, attempt)));
		}
		catch (Throwable ex) {
			failed(attempt, ex);
		}
		finally {
			synchronized (this.lock) {
				this.worker = null;
				// a cancellation's interrupt must not reach the next task of this thread
				Thread.interrupted();
			}
		}
	}

	/**
	 * Take the lease before the first attempt, or record the attempt on it before a later
	 * one.
	 * @param attempt the attempt about to start
	 */
	private void holdLease(int attempt) {
		RunLeases leases = this.runs.leases();
		Duration ttl = this.runs.leaseTtl();
		LeaseToken current = this.lease;
		long now = System.nanoTime();
		if (current == null) {
			LeaseToken token = new LeaseToken(this.channel.name(), this.runId, UUID.randomUUID().toString());
			RunLease lease = new RunLease(token, this.definition, this.input, attempt, this.retry.maxAttempts(),
					this.runs.nodeId(), this.startedAt, false);
			if (!Boolean.TRUE.equals(this.runs.await(leases.acquire(lease, ttl)))) {
				throw new RunConflictException("Run '" + this.runId + "' is already active on another node");
			}
			this.lease = token;
		}
		else if (this.runs.await(leases.renew(current, attempt, ttl)) == RunLeases.Renewal.LOST) {
			throw new LeaseLostException(current);
		}
		this.heldUntil = now + ttl.toNanos();
	}

	/**
	 * Note what a heartbeat found.
	 * @param renewal the result of the renewal
	 * @param requestedAt {@link System#nanoTime()} when the renewal was sent
	 */
	void renewed(RunLeases.Renewal renewal, long requestedAt) {
		LeaseToken current = this.lease;
		if (current == null) {
			return;
		}
		if (renewal == RunLeases.Renewal.LOST) {
			abandon(new LeaseLostException(current));
			return;
		}
		this.heldUntil = requestedAt + this.runs.leaseTtl().toNanos();
		if (renewal == RunLeases.Renewal.CANCEL_REQUESTED) {
			cancel();
		}
	}

	/**
	 * Abandon the run if its lease may have expired without this node knowing, as when
	 * the engine has not answered renewals for longer than the lease.
	 * @param now {@link System#nanoTime()}
	 */
	void checkLease(long now) {
		LeaseToken current = this.lease;
		if (current != null && now - this.heldUntil > 0) {
			abandon(new LeaseLostException(current));
		}
	}

	/**
	 * Throw unless the lease is held, before recording a durable step.
	 * @throws LeaseLostException if it is not
	 */
	void checkLease() {
		LeaseToken current = this.lease;
		if (current != null && !Boolean.TRUE.equals(this.runs.await(this.runs.leases().holds(current)))) {
			throw new LeaseLostException(current);
		}
	}

	@Nullable LeaseToken lease() {
		return this.lease;
	}

	// Stop the run on this node without publishing anything: another node executes it
	// now, or will
	private void abandon(RuntimeException reason) {
		synchronized (this.lock) {
			if (this.status.isTerminal()) {
				return;
			}
			this.status = new RunStatus(State.FAILED, this.status.attempt());
			stopWork();
		}
		logger.warn(LogMessage.format("Run '%s' stopped on this node: %s", this.runId, reason.getMessage()));
		this.replies.stop();
		this.runs.ended(this, false);
		this.outcome.completeExceptionally(reason);
	}

	/**
	 * Hand an upstream the current attempt consumes to the run, so that ending the run
	 * disposes it.
	 * @param upstream the subscription
	 * @throws CancellationException if the run has ended
	 */
	void consuming(Disposable upstream) {
		synchronized (this.lock) {
			if (this.status.isTerminal()) {
				upstream.dispose();
				throw new CancellationException("Run '" + this.runId + "' has ended");
			}
			this.consumed = upstream;
		}
	}

	void doneConsuming(Disposable upstream) {
		synchronized (this.lock) {
			if (this.consumed == upstream) {
				this.consumed = null;
			}
		}
	}

	/** Called under the lock. */
	private void stopWork() {
		if (this.nextAttempt != null) {
			this.nextAttempt.cancel(false);
		}
		if (this.consumed != null) {
			this.consumed.dispose();
			this.consumed = null;
		}
		if (this.worker != null && this.worker != Thread.currentThread()) {
			this.worker.interrupt();
		}
	}

	private void complete(@Nullable R result) {
		try {
			finish(State.COMPLETED, new Completed("completed", result), (future) -> future.complete(result));
		}
		catch (RuntimeException ex) {
			logger.warn(LogMessage.format("The result of run '%s' could not be published", this.runId), ex);
			fail(ex);
		}
	}

	private void failed(int attempt, Throwable ex) {
		if (this.status.isTerminal()) {
			return;
		}
		if (ex instanceof LeaseLostException lost) {
			abandon(lost);
			return;
		}
		if (ex instanceof RunConflictException conflict) {
			abandon(conflict);
			return;
		}
		if (ex instanceof CancellationException) {
			cancel();
			return;
		}
		if (attempt < this.retry.maxAttempts()) {
			Duration backoff = this.retry.backoff(attempt);
			logger.warn(
					LogMessage.format("Attempt %d of run '%s' failed; retrying in %s", attempt, this.runId, backoff),
					ex);
			if (scheduleAttempt(attempt + 1, backoff)) {
				this.runs.statistics().run(RunEvent.RETRIED);
				return;
			}
		}
		logger.warn(LogMessage.format("Run '%s' failed after %d attempts", this.runId, attempt), ex);
		fail(ex);
	}

	private boolean scheduleAttempt(int attempt, Duration delay) {
		synchronized (this.lock) {
			if (this.status.isTerminal()) {
				return true;
			}
			try {
				this.nextAttempt = this.runs.schedule(() -> startAttempt(attempt), delay);
				return true;
			}
			catch (RunRejectedException ex) {
				return false;
			}
		}
	}

	private void startAttempt(int attempt) {
		try {
			this.runs.execute(this.runId, () -> attempt(attempt));
		}
		catch (RunRejectedException ex) {
			// an accepted run waits for a free thread rather than failing
			if (this.runs.isShutdown() || !scheduleAttempt(attempt, RESUBMIT_DELAY)) {
				logger.warn(LogMessage.format("Run '%s' failed: attempt %d could not start", this.runId, attempt), ex);
				fail(ex);
			}
		}
	}

	private void fail(Throwable ex) {
		String message = exposedMessage(ex);
		finish(State.FAILED, new Failed("failed", new Error(message)),
				(future) -> future.completeExceptionally(new RunFailureException(message, ex)));
	}

	private static String exposedMessage(Throwable ex) {
		Throwable candidate = ex;
		// bounded, because a cause chain may loop
		for (int depth = 0; candidate != null && depth < 16; depth++) {
			if (candidate instanceof RunFailureException failure && failure.getMessage() != null) {
				String message = failure.getMessage();
				return (message.length() > MAX_ERROR_MESSAGE_LENGTH)
						? message.substring(0, MAX_ERROR_MESSAGE_LENGTH) + "…" : message;
			}
			candidate = candidate.getCause();
		}
		return RunFailureException.GENERIC_MESSAGE;
	}

	/**
	 * End the run with a terminal status, unless it has ended already.
	 * @param state the terminal state
	 * @param lifecycle the payload of the status message
	 * @param completion completes the outcome once the status is published
	 * @return whether this call ended the run
	 * @throws RuntimeException if the payload cannot be encoded; the run is unchanged
	 */
	private boolean finish(State state, Object lifecycle, Consumer<CompletableFuture<@Nullable R>> completion) {
		PublishRequest request = lifecycle(lifecycle);
		CompletableFuture<@Nullable EngineMessage> published;
		synchronized (this.lock) {
			if (this.status.isTerminal()) {
				return false;
			}
			this.status = new RunStatus(state, this.status.attempt());
			this.runs.statistics().run(switch (state) {
				case COMPLETED -> RunEvent.COMPLETED;
				case CANCELLED -> RunEvent.CANCELLED;
				default -> RunEvent.FAILED;
			});
			stopWork();
			published = fenced(request).toFuture();
		}
		published.whenComplete((message, ex) -> {
			if (ex instanceof LeaseLostException) {
				logger.warn(LogMessage.format("Status %s of run '%s' not published: %s", state, this.runId,
						ex.getMessage()));
			}
			else if (ex != null) {
				logger.error(LogMessage.format("Could not publish status %s of run '%s'", state, this.runId), ex);
			}
			this.replies.stop();
			this.runs.ended(this, ex == null);
			completion.accept(this.outcome);
		});
		return true;
	}

	// Publish a message of the run, fenced by its lease once it holds one
	private Mono<EngineMessage> fenced(PublishRequest request) {
		LeaseToken current = this.lease;
		if (current == null) {
			return this.runs.template().publish(request);
		}
		return this.runs.template()
			.counted(request,
					(traced) -> this.runs.leases()
						.publish(current, traced)
						.timeout(DefaultRealtimeRuns.BACKEND_TIMEOUT),
					PublishSource.RUN)
			.onErrorMap((ex) -> !(ex instanceof RealtimeException), (ex) -> new PublishException(
					"Could not publish to '" + request.channel() + "/" + request.topic() + "': " + ex.getMessage(),
					ex));
	}

	// a new attempt starts the text of the channel's stream topics again, so that it is
	// not appended to what a failed attempt streamed, here or on a node that died: those
	// with text have a snapshot in the history
	private void resetStreams() {
		if (this.channel.definition().topics().values().stream().noneMatch(TopicDefinition::stream)) {
			return;
		}
		History history = this.runs.await(this.runs.fanOut().engine().history(this.channel.name(), Replay.all()));
		Assert.state(history != null, "A history read completes with the history");
		for (EngineMessage message : history.messages()) {
			if (message.kind() == MessageKind.SNAPSHOT) {
				this.runs.await(issue(
						PublishRequest.reset(this.channel.name(), message.topic(), EMPTY_TEXT.clone(), this.runId)));
			}
		}
	}

	private PublishRequest lifecycle(Object payload) {
		String topic = TopicDefinition.RUN_TOPIC;
		byte[] data = this.runs.codec().encodeTrusted(this.channel.name() + "/" + topic, payload);
		return new PublishRequest(this.channel.name(), topic, data, this.runId, MessageKind.RUN, true);
	}

	/**
	 * Issue a publish of the run unless the run has ended.
	 * @param request the message
	 * @return the published message
	 * @throws CancellationException if the run has ended
	 */
	private CompletableFuture<@Nullable EngineMessage> issue(PublishRequest request) {
		synchronized (this.lock) {
			if (this.status.isTerminal()) {
				throw new CancellationException("Run '" + this.runId + "' has ended");
			}
			return fenced(request).toFuture();
		}
	}

	/**
	 * Publish a payload of the run unless the run has ended, and wait for the engine.
	 * @param topic the topic, checked to belong to the run's channel
	 * @param payload the payload
	 * @param durable whether the message enters the history even when its topic opts out
	 * @return the published message
	 * @throws CancellationException if the run has ended
	 */
	EngineMessage publish(Topic<?> topic, Object payload, boolean durable) {
		checkTopic(topic);
		byte[] data = this.runs.codec().encode(topic.toString(), payload);
		EngineMessage message = this.runs
			.await(issue(PublishRequest.of(this.channel.name(), topic.definition(), data, this.runId, durable)));
		Assert.state(message != null, "A publish completes with its message");
		return message;
	}

	Duration streamCoalescing() {
		return this.runs.streamCoalescing();
	}

	void checkTopic(Topic<?> topic) {
		if (!topic.channel().name().equals(this.channel.name())) {
			throw new IllegalArgumentException(
					"Topic " + topic + " is not on channel '" + this.channel.name() + "' of run '" + this.runId + "'");
		}
	}

	RunReplies replies() {
		return this.replies;
	}

	DefaultRealtimeRuns runs() {
		return this.runs;
	}

	record Running(String status, int attempt) {
	}

	record Completed(String status, @Nullable Object result) {
	}

	record Failed(String status, Error error) {
	}

	record Error(String message) {
	}

	record Cancelled(String status) {
	}

}
