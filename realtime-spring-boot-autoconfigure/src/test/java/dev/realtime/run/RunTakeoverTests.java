package dev.realtime.run;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import dev.realtime.InvalidPayloadException;
import dev.realtime.engine.LeaseLostException;
import dev.realtime.engine.LeaseToken;
import dev.realtime.engine.RunLease;
import dev.realtime.run.JobChannel.Approval;
import dev.realtime.run.JobChannel.Status;
import dev.realtime.testsupport.MutableClock;
import jakarta.validation.constraints.NotBlank;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for named runs, leases, takeover, fencing and cancel, with several nodes in one
 * JVM sharing the in-memory engine and leases whose clock the tests move.
 *
 * @author Realtime team
 */
class RunTakeoverTests {

	private static final Duration WAIT = Duration.ofSeconds(5);

	private static final Duration TTL = Duration.ofMillis(400);

	private final MutableClock clock = new MutableClock(Instant.now());

	private final RunNodes nodes = new RunNodes(this.clock);

	@AfterEach
	void close() throws Exception {
		this.nodes.close();
	}

	@Test
	void whenNamedRunIsStartedThenItsValidatedInputReachesTheWork() throws Exception {
		RunDefinition<Job, String> greet = RunDefinition.of("greet", Job.class, (run, job) -> "hello " + job.name());
		DefaultRealtimeRuns runs = this.nodes.node(TTL, greet);
		RunHandle<String> handle = runs.start(greet, TestJobChannel.of("greet-1"), new Job("ada"),
				RunOptions.defaults().withRunId("greet-1"));
		assertThat(handle.await(WAIT)).isEqualTo("hello ada");
		RunHandle<?> byName = runs.start("greet", TestJobChannel.of("greet-2"), Map.of("name", "grace"),
				RunOptions.defaults());
		assertThat(byName.await(WAIT)).isEqualTo("hello grace");
		assertThatExceptionOfType(InvalidPayloadException.class).isThrownBy(() -> runs.start(greet,
				TestJobChannel.of("greet-3"), new Job(" "), RunOptions.defaults().withRunId("greet-3")));
		assertThat(runs.find("greet-3")).isNull();
	}

	@Test
	void whenDefinitionIsNotRegisteredThenStartIsRefused() {
		RunDefinition<Job, String> registered = RunDefinition.of("registered", Job.class, (run, job) -> "");
		DefaultRealtimeRuns runs = this.nodes.node(TTL, registered);
		RunDefinition<Job, String> other = RunDefinition.of("registered", Job.class, (run, job) -> "");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> runs.start(other, TestJobChannel.of("x"), new Job("a"), RunOptions.defaults()))
			.withMessageContaining("is not registered");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> runs.start("missing", TestJobChannel.of("x"), new Job("a"), RunOptions.defaults()))
			.withMessageContaining("No run definition named 'missing'");
		assertThatIllegalArgumentException().isThrownBy(() -> runs.setDefinitions(List.of(registered, other)))
			.withMessageContaining("the same name");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> runs.setDefinitions(List.of(RunDefinition.of("no spaces", Job.class, (run, job) -> ""))))
			.withMessageContaining("Invalid run definition name");
	}

	@Test
	void whenNodeLosesNamedRunThenAnotherNodeRunsTheNextAttemptAndTheOldOneIsFenced() throws Exception {
		CountDownLatch firstAttemptStarted = new CountDownLatch(1);
		AtomicBoolean stalePublished = new AtomicBoolean();
		AtomicInteger staleRefused = new AtomicInteger();
		RunDefinition<Job, String> pipeline = RunDefinition.of("pipeline", Job.class, (run, job) -> {
			TestJobChannel channel = TestJobChannel.of(run.runId());
			run.step("first").publish(channel.status(), new Status("first " + job.name()));
			if (run.attempt() == 1) {
				firstAttemptStarted.countDown();
				try {
					Thread.sleep(WAIT.toMillis() * 2);
				}
				catch (InterruptedException ex) {
					// the node lost the run: interrupted, it must not publish any more
				}
				try {
					run.publish(channel.status(), new Status("stale"));
					stalePublished.set(true);
				}
				catch (LeaseLostException | CancellationException ex) {
					staleRefused.incrementAndGet();
				}
				return "stale";
			}
			run.step("second").publish(channel.status(), new Status("second"));
			return job.name() + " in attempt " + run.attempt();
		});
		DefaultRealtimeRuns a = this.nodes.node(TTL, pipeline);
		a.setScanInterval(Duration.ofHours(1));
		TestJobChannel channel = TestJobChannel.of("lost-1");
		Queue<String> messages = this.nodes.record(channel);
		// losing a node costs an attempt
		RunHandle<String> onA = a.start(pipeline, channel, new Job("ada"),
				RunOptions.defaults().withRunId("lost-1").withRetry(RetryPolicy.of(2, Duration.ZERO)));
		assertThat(firstAttemptStarted.await(5, TimeUnit.SECONDS)).isTrue();
		DefaultRealtimeRuns b = this.nodes.node(TTL, pipeline);
		// as if A paused for longer than its lease
		this.clock.advance(TTL.multipliedBy(2));
		Awaitility.await()
			.atMost(WAIT)
			.untilAsserted(() -> assertThat(messages).containsExactly("$run {\"status\":\"running\",\"attempt\":1}",
					"status {\"message\":\"first ada\"}", "$run {\"status\":\"running\",\"attempt\":2}",
					"status {\"message\":\"second\"}",
					"$run {\"status\":\"completed\",\"result\":\"ada in attempt 2\"}"));
		assertThatExceptionOfType(LeaseLostException.class).isThrownBy(() -> onA.await(WAIT));
		assertThat(a.find("lost-1")).isNull();
		Awaitility.await().atMost(WAIT).until(() -> staleRefused.get() == 1);
		assertThat(stalePublished).isFalse();
		Awaitility.await().atMost(WAIT).until(() -> b.find("lost-1") == null);
		assertThat(a.cancel(channel, "lost-1").block(WAIT)).isEqualTo(RunCancellation.ALREADY_ENDED);
	}

	@Test
	void whenNodeLosesItsLeaseAndTakesTheRunBackThenTheNextAttemptRunsThere() throws Exception {
		assertNodeTakesItsRunBackAsTheNextAttempt("back-1", (node) -> {
		});
	}

	@Test
	void whenNodeLosesItsLeaseThenTheRecordsOfTheRunsDurableStepsOutliveItForTheNextAttempt() throws Exception {
		// records of runs that ended expire at once: the lost run has not ended
		assertNodeTakesItsRunBackAsTheNextAttempt("back-2", (node) -> node.setMemoTtl(Duration.ZERO));
	}

	/**
	 * Start a run whose first attempt publishes a durable step and then outlives the
	 * lease, let the lease expire, and assert that the node runs it again as the second
	 * attempt, skipping the recorded step.
	 * @param runId the run id
	 * @param configure configures the node
	 */
	private void assertNodeTakesItsRunBackAsTheNextAttempt(String runId, Consumer<DefaultRealtimeRuns> configure)
			throws Exception {
		CountDownLatch firstAttemptStarted = new CountDownLatch(1);
		RunDefinition<Job, String> pipeline = RunDefinition.of("pipeline", Job.class, (run, job) -> {
			TestJobChannel channel = TestJobChannel.of(run.runId());
			run.step("first").publish(channel.status(), new Status("first " + job.name()));
			if (run.attempt() == 1) {
				firstAttemptStarted.countDown();
				Thread.sleep(WAIT.toMillis() * 2);
			}
			return job.name() + " in attempt " + run.attempt();
		});
		DefaultRealtimeRuns a = this.nodes.node(TTL, pipeline);
		configure.accept(a);
		TestJobChannel channel = TestJobChannel.of(runId);
		Queue<String> messages = this.nodes.record(channel);
		a.start(pipeline, channel, new Job("ada"),
				RunOptions.defaults().withRunId(runId).withRetry(RetryPolicy.of(2, Duration.ZERO)));
		assertThat(firstAttemptStarted.await(5, TimeUnit.SECONDS)).isTrue();
		this.clock.advance(TTL.multipliedBy(2));
		Awaitility.await()
			.atMost(WAIT)
			.untilAsserted(() -> assertThat(messages).containsExactly("$run {\"status\":\"running\",\"attempt\":1}",
					"status {\"message\":\"first ada\"}", "$run {\"status\":\"running\",\"attempt\":2}",
					"$run {\"status\":\"completed\",\"result\":\"ada in attempt 2\"}"));
	}

	@Test
	void whenNodeOfAdHocRunIsLostThenRunFailsWithNodeLost() throws Exception {
		DefaultRealtimeRuns a = this.nodes.node(TTL);
		TestJobChannel channel = TestJobChannel.of("adhoc-1");
		Queue<String> messages = this.nodes.record(channel);
		CountDownLatch started = new CountDownLatch(1);
		a.start(channel, RunOptions.defaults().withRunId("adhoc-1"), (run) -> {
			started.countDown();
			Thread.sleep(WAIT.toMillis() * 2);
			return "not reached";
		});
		assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
		this.nodes.node(TTL);
		this.clock.advance(TTL.multipliedBy(2));
		Awaitility.await()
			.atMost(WAIT)
			.untilAsserted(() -> assertThat(messages).containsExactly("$run {\"status\":\"running\",\"attempt\":1}",
					"$run {\"status\":\"failed\",\"error\":{\"message\":\"node lost\"}}"));
	}

	@Test
	void whenLastAttemptsNodeIsLostThenRunFails() {
		RunDefinition<Job, String> never = RunDefinition.of("never", Job.class, (run, job) -> "executed");
		TestJobChannel channel = TestJobChannel.of("last-1");
		Queue<String> messages = this.nodes.record(channel);
		expiredLease(channel, "never", 3, 3);
		this.nodes.node(TTL, never);
		Awaitility.await()
			.atMost(WAIT)
			.untilAsserted(() -> assertThat(messages).containsExactly(
					"$run {\"status\":\"failed\",\"error\":{\"message\":\"node lost in the last of 3 attempts\"}}"));
	}

	@Test
	void whenManyNodesScanOneExpiredLeaseThenExactlyOneTakesItOver() throws Exception {
		AtomicInteger executions = new AtomicInteger();
		RunDefinition<Job, Integer> counted = RunDefinition.of("counted", Job.class, (run, job) -> {
			executions.incrementAndGet();
			return run.attempt();
		});
		TestJobChannel channel = TestJobChannel.of("race-1");
		Queue<String> messages = this.nodes.record(channel);
		List<DefaultRealtimeRuns> racers = new ArrayList<>();
		for (int i = 0; i < 8; i++) {
			racers.add(this.nodes.node(Duration.ofMillis(40), counted));
		}
		expiredLease(channel, "counted", 1, 3);
		Awaitility.await()
			.atMost(WAIT)
			.untilAsserted(() -> assertThat(messages).containsExactly("$run {\"status\":\"running\",\"attempt\":2}",
					"$run {\"status\":\"completed\",\"result\":2}"));
		Thread.sleep(200);
		assertThat(executions).hasValue(1);
		assertThat(messages).hasSize(2);
	}

	@Test
	void whenRunIsTakenOverThenRepliesReachTheNewNode() throws Exception {
		CountDownLatch waiting = new CountDownLatch(1);
		RunDefinition<Job, String> approve = RunDefinition.of("approve", Job.class, (run, job) -> {
			TestJobChannel channel = TestJobChannel.of(run.runId());
			if (run.attempt() == 1) {
				waiting.countDown();
			}
			Approval first = run.step("first")
				.run(Approval.class, () -> run.awaitReply(channel.approval(), Duration.ofSeconds(10)));
			Approval second = run.step("second")
				.run(Approval.class, () -> run.awaitReply(channel.approval(), Duration.ofSeconds(10)));
			return first.comment() + " " + second.comment() + " " + run.attempt();
		});
		DefaultRealtimeRuns a = this.nodes.node(TTL, approve);
		// A stays alive but does not take runs back, so that B does
		a.setScanInterval(Duration.ofHours(1));
		TestJobChannel channel = TestJobChannel.of("replies-1");
		RunHandle<String> onA = a.start(approve, channel, new Job("x"),
				RunOptions.defaults().withRunId("replies-1").withRetry(RetryPolicy.of(2, Duration.ZERO)));
		assertThat(waiting.await(5, TimeUnit.SECONDS)).isTrue();
		// A is lost; a reply arrives while no node waits, another once B took over
		this.clock.advance(TTL.multipliedBy(2));
		Awaitility.await().atMost(WAIT).until(() -> onA.status().isTerminal());
		this.nodes.reply(channel, "approval", "{\"approved\":true,\"comment\":\"during\"}");
		DefaultRealtimeRuns b = this.nodes.node(TTL, approve);
		Awaitility.await().atMost(WAIT).until(() -> b.find("replies-1") != null);
		this.nodes.reply(channel, "approval", "{\"approved\":true,\"comment\":\"after\"}");
		RunHandle<?> onB = b.find("replies-1");
		assertThat(onB).isNotNull();
		assertThat(onB.await(WAIT)).isEqualTo("during after 2");
	}

	@Test
	void whenBlockingRunIsCancelledThenItIsInterruptedAndEndsCancelled() throws Exception {
		DefaultRealtimeRuns runs = this.nodes.node(TTL);
		TestJobChannel channel = TestJobChannel.of("cancel-1");
		Queue<String> messages = this.nodes.record(channel);
		CountDownLatch started = new CountDownLatch(1);
		CountDownLatch interrupted = new CountDownLatch(1);
		RunHandle<String> handle = runs.start(channel, RunOptions.defaults().withRunId("cancel-1"), (run) -> {
			started.countDown();
			try {
				Thread.sleep(WAIT.toMillis() * 2);
			}
			finally {
				interrupted.countDown();
			}
			return "not reached";
		});
		assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
		assertThat(runs.cancel(channel, "cancel-1").block(WAIT)).isEqualTo(RunCancellation.CANCELLED);
		assertThat(interrupted.await(5, TimeUnit.SECONDS)).isTrue();
		assertThatExceptionOfType(CancellationException.class).isThrownBy(() -> handle.await(WAIT));
		Awaitility.await()
			.atMost(WAIT)
			.untilAsserted(() -> assertThat(messages).containsExactly("$run {\"status\":\"running\",\"attempt\":1}",
					"$run {\"status\":\"cancelled\"}"));
		Awaitility.await()
			.atMost(WAIT)
			.untilAsserted(() -> assertThat(runs.cancel(channel, "cancel-1").block(WAIT))
				.isEqualTo(RunCancellation.ALREADY_ENDED));
		assertThat(runs.cancel(channel, "never-started").block(WAIT)).isEqualTo(RunCancellation.UNKNOWN);
	}

	@Test
	void whenRunConsumingAFluxIsCancelledThenTheUpstreamIsDisposed() throws Exception {
		DefaultRealtimeRuns runs = this.nodes.node(TTL);
		TestJobChannel channel = TestJobChannel.of("flux-1");
		AtomicInteger received = new AtomicInteger();
		CountDownLatch disposed = new CountDownLatch(1);
		Flux<Long> tokens = Flux.interval(Duration.ofMillis(5)).doOnCancel(disposed::countDown);
		RunHandle<String> handle = runs.start(channel, RunOptions.defaults().withRunId("flux-1"), (run) -> {
			run.consume(tokens, (token) -> received.incrementAndGet());
			return "not reached";
		});
		Awaitility.await().atMost(WAIT).until(() -> received.get() > 3);
		assertThat(runs.cancel(channel, "flux-1").block(WAIT)).isEqualTo(RunCancellation.CANCELLED);
		assertThat(disposed.await(5, TimeUnit.SECONDS)).isTrue();
		assertThatExceptionOfType(CancellationException.class).isThrownBy(() -> handle.await(WAIT));
	}

	@Test
	void whenRunConsumesAFiniteFluxThenEveryElementArrivesInOrder() throws Exception {
		DefaultRealtimeRuns runs = this.nodes.node(TTL);
		RunHandle<String> handle = runs.start(TestJobChannel.of("flux-2"), (run) -> {
			StringBuilder text = new StringBuilder();
			run.consume(Flux.range(1, 100).map(String::valueOf), (token) -> text.append(token).append(','));
			return text.toString();
		});
		assertThat(handle.await(WAIT)).startsWith("1,2,3,").endsWith(",99,100,").hasSize(292);
		RunHandle<String> failing = runs.start(TestJobChannel.of("flux-3"), (run) -> {
			run.consume(Flux.<String>error(new IllegalStateException("source failed")), (token) -> {
			});
			return "not reached";
		});
		assertThatExceptionOfType(RunFailureException.class).isThrownBy(() -> failing.await(WAIT))
			.withRootCauseInstanceOf(IllegalStateException.class);
	}

	@Test
	void whenRunOnAnotherNodeIsCancelledThenThatNodeCancelsIt() throws Exception {
		DefaultRealtimeRuns a = this.nodes.node(TTL);
		DefaultRealtimeRuns b = this.nodes.node(TTL);
		TestJobChannel channel = TestJobChannel.of("remote-1");
		Queue<String> messages = this.nodes.record(channel);
		CountDownLatch started = new CountDownLatch(1);
		RunHandle<String> handle = a.start(channel, RunOptions.defaults().withRunId("remote-1"), (run) -> {
			started.countDown();
			Thread.sleep(WAIT.toMillis() * 2);
			return "not reached";
		});
		assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
		assertThat(b.cancel(channel, "remote-1").block(WAIT)).isEqualTo(RunCancellation.REQUESTED);
		assertThatExceptionOfType(CancellationException.class).isThrownBy(() -> handle.await(WAIT));
		Awaitility.await()
			.atMost(WAIT)
			.untilAsserted(() -> assertThat(messages).containsExactly("$run {\"status\":\"running\",\"attempt\":1}",
					"$run {\"status\":\"cancelled\"}"));
		Awaitility.await()
			.atMost(WAIT)
			.untilAsserted(() -> assertThat(b.cancel(channel, "remote-1").block(WAIT))
				.isEqualTo(RunCancellation.ALREADY_ENDED));
	}

	@Test
	void whenObservingANamedRunThenItsMessagesEndWithTheTerminalStatus() {
		RunDefinition<Job, String> echo = RunDefinition.of("echo", Job.class, (run, job) -> job.name());
		DefaultRealtimeRuns runs = this.nodes.node(TTL, echo);
		RunHandle<String> handle = runs.start(echo, TestJobChannel.of("echo-1"), new Job("e"),
				RunOptions.defaults().withRunId("echo-1"));
		StepVerifier.create(handle.messages().map((message) -> message.topic()))
			.expectNext("$run", "$run")
			.expectComplete()
			.verify(WAIT);
	}

	private void expiredLease(TestJobChannel channel, String definition, int attempt, int maxAttempts) {
		byte[] input = "{\"name\":\"from a dead node\"}".getBytes(StandardCharsets.UTF_8);
		RunLease lease = new RunLease(
				new LeaseToken(channel.name(), channel.parameters().get("runId"), UUID.randomUUID().toString()),
				definition, input, attempt, maxAttempts, "dead-node", Instant.now(), false);
		assertThat(this.nodes.leases.acquire(lease, Duration.ofMillis(1)).block(WAIT)).isTrue();
		this.clock.advance(Duration.ofMillis(5));
	}

	record Job(@NotBlank String name) {
	}

}
