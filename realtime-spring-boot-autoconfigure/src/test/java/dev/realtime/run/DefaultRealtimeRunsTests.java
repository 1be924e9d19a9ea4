package dev.realtime.run;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import dev.realtime.ChannelTemplate;
import dev.realtime.InvalidChannelException;
import dev.realtime.MessageKind;
import dev.realtime.engine.EngineMessage;
import dev.realtime.engine.Replay;
import dev.realtime.run.JobChannel.Status;
import dev.realtime.run.JobChannel.Tick;
import dev.realtime.run.RunStatus.State;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for {@link DefaultRealtimeRuns} over the in-memory engine.
 *
 * @author Realtime team
 */
class DefaultRealtimeRunsTests {

	private static final Duration WAIT = Duration.ofSeconds(5);

	private static final RetryPolicy FAST_RETRY = RetryPolicy.of(3, Duration.ofMillis(10));

	private final RunsFixture fixture = new RunsFixture();

	@AfterEach
	void close() throws Exception {
		this.fixture.close();
	}

	@Test
	void whenRunFailsTwiceThenSucceedsThenDurableMessagesAreSentOnceAndEachAttemptIsRunning() throws Exception {
		TestJobChannel channel = TestJobChannel.of("retried");
		RunsFixture.Recording recording = this.fixture.record(channel);
		RunHandle<String> handle = this.fixture.runs.start(channel,
				RunOptions.defaults().withRunId("retried").withRetry(FAST_RETRY), (run) -> {
					run.step("started").publish(channel.status(), new Status("started"));
					run.publish(channel.ticks(), new Tick(run.attempt()));
					if (run.attempt() < 3) {
						throw new IllegalStateException("attempt " + run.attempt() + " fails");
					}
					run.step("done").publish(channel.status(), new Status("done"));
					return "the result";
				});
		assertThat(handle.await(WAIT)).isEqualTo("the result");
		assertThat(handle.status()).isEqualTo(new RunStatus(State.COMPLETED, 3));
		// non-durable messages are published again by each attempt; subscribers receive
		// asynchronously, so wait for the last one
		Awaitility.await()
			.atMost(WAIT)
			.untilAsserted(() -> assertThat(recording.list()).containsExactly(
					"$run {\"status\":\"running\",\"attempt\":1}", "status {\"message\":\"started\"}",
					"ticks {\"n\":1}", "$run {\"status\":\"running\",\"attempt\":2}", "ticks {\"n\":2}",
					"$run {\"status\":\"running\",\"attempt\":3}", "ticks {\"n\":3}", "status {\"message\":\"done\"}",
					"$run {\"status\":\"completed\",\"result\":\"the result\"}"));
		recording.subscription().dispose();
	}

	@Test
	void whenAnAttemptFailsAfterStreamingTextThenTheNextOneResetsItAndALateSubscriberGetsOnlyItsText()
			throws Exception {
		TestJobChannel channel = TestJobChannel.of("streamed");
		RunsFixture.Recording recording = this.fixture.record(channel);
		RunHandle<String> handle = this.fixture.runs.start(channel,
				RunOptions.defaults().withRunId("streamed").withRetry(FAST_RETRY), (run) -> {
					run.publish(channel.text(), "attempt " + run.attempt() + ": ");
					run.publish(channel.text(), (run.attempt() < 2) ? "broken" : "whole");
					if (run.attempt() < 2) {
						throw new IllegalStateException("attempt " + run.attempt() + " fails");
					}
					return "done";
				});
		assertThat(handle.await(WAIT)).isEqualTo("done");
		Awaitility.await()
			.atMost(WAIT)
			.untilAsserted(() -> assertThat(recording.list()).containsSubsequence("text \"attempt 1: \"",
					"text \"broken\"", "$run {\"status\":\"running\",\"attempt\":2}", "text \"\"",
					"text \"attempt 2: \"", "text \"whole\""));
		recording.subscription().dispose();
		StepVerifier
			.create(this.fixture.fanOut.subscribe(channel.name(), Set.of("text"), Replay.all())
				.filter((event) -> event instanceof EngineMessage message && message.topic().equals("text")))
			.assertNext((event) -> {
				EngineMessage snapshot = (EngineMessage) event;
				assertThat(snapshot.kind()).isEqualTo(MessageKind.SNAPSHOT);
				assertThat(new String(snapshot.data(), StandardCharsets.UTF_8)).isEqualTo("\"attempt 2: whole\"");
			})
			.thenCancel()
			.verify(WAIT);
	}

	@Test
	void whenARunStreamsAFluxIntoAStreamTopicThenItReturnsTheWholeTextAndSubscribersGetItInOrder() throws Exception {
		TestJobChannel channel = TestJobChannel.of("flux");
		RunHandle<String> handle = this.fixture.runs.start(channel, RunOptions.defaults().withRunId("flux"),
				(run) -> run.step("answer")
					.run(String.class, () -> run.stream(channel.text(),
							Flux.just("Real", "time ", "for ", "Spring").delayElements(Duration.ofMillis(5)))));
		assertThat(handle.await(WAIT)).isEqualTo("Realtime for Spring");
		StepVerifier
			.create(this.fixture.fanOut.subscribe(channel.name(), Set.of("text"), Replay.all())
				.filter((event) -> event instanceof EngineMessage message && message.topic().equals("text")))
			.assertNext((event) -> assertThat(new String(((EngineMessage) event).data(), StandardCharsets.UTF_8))
				.isEqualTo("\"Realtime for Spring\""))
			.thenCancel()
			.verify(WAIT);
	}

	@Test
	void whenStreamChunksAreCoalescedThenFewerLargerChunksArePublishedInOrder() throws Exception {
		this.fixture.runs.setStreamCoalescing(Duration.ofMillis(20));
		TestJobChannel channel = TestJobChannel.of("coalesced");
		RunsFixture.Recording recording = this.fixture.record(channel);
		StringBuilder expected = new StringBuilder();
		for (int i = 0; i < 100; i++) {
			expected.append(i).append(' ');
		}
		RunHandle<String> handle = this.fixture.runs.start(channel, RunOptions.defaults().withRunId("coalesced"),
				(run) -> run.stream(channel.text(),
						Flux.range(0, 100).map((i) -> i + " ").delayElements(Duration.ofMillis(1))));
		assertThat(handle.await(WAIT)).isEqualTo(expected.toString());
		Awaitility.await().atMost(WAIT).untilAsserted(() -> {
			List<String> chunks = recording.list()
				.stream()
				.filter((message) -> message.startsWith("text "))
				.map((message) -> message.substring("text \"".length(), message.length() - 1))
				.toList();
			assertThat(String.join("", chunks)).isEqualTo(expected.toString());
			assertThat(chunks).hasSizeLessThan(100);
		});
		recording.subscription().dispose();
	}

	@Test
	void whenARunIsCancelledWhileStreamingThenTheSourceIsDisposedAndNothingMoreIsPublished() throws Exception {
		TestJobChannel channel = TestJobChannel.of("flux-cancelled");
		CountDownLatch streaming = new CountDownLatch(1);
		CountDownLatch disposed = new CountDownLatch(1);
		Flux<String> endless = Flux.interval(Duration.ofMillis(10))
			.onBackpressureDrop()
			.map((n) -> "token " + n + " ")
			.doOnNext((token) -> streaming.countDown())
			.doOnCancel(disposed::countDown);
		RunHandle<String> handle = this.fixture.runs.start(channel, RunOptions.defaults().withRunId("flux-cancelled"),
				(run) -> run.stream(channel.text(), endless));
		assertThat(streaming.await(5, TimeUnit.SECONDS)).isTrue();
		assertThat(handle.cancel()).isTrue();
		assertThat(disposed.await(5, TimeUnit.SECONDS)).isTrue();
		assertThatExceptionOfType(CancellationException.class).isThrownBy(() -> handle.await(WAIT));
	}

	@Test
	void whenSubscriberConnectsAfterRunEndedThenItGetsDurableMessagesAndTerminalStatus() throws Exception {
		TestJobChannel channel = TestJobChannel.of("late");
		RunHandle<Integer> handle = this.fixture.runs.start(channel, RunOptions.defaults().withRunId("late"), (run) -> {
			run.publish(channel.ticks(), new Tick(1));
			run.step("tick-2").publish(channel.ticks(), new Tick(2));
			return 42;
		});
		assertThat(handle.await(WAIT)).isEqualTo(42);
		StepVerifier.create(handle.messages().map(this.fixture::summary))
			.expectNext("$run {\"status\":\"running\",\"attempt\":1}", "ticks {\"n\":2}",
					"$run {\"status\":\"completed\",\"result\":42}")
			.expectComplete()
			.verify(WAIT);
		StepVerifier
			.create(this.fixture.fanOut.subscribe(channel.name(), channel.definition().topics().keySet(), Replay.all()))
			.expectNextCount(1)
			.assertNext((message) -> assertThat(message.toString()).contains("\"runId\":\"late\"", "\"kind\":\"run\""))
			.assertNext((message) -> assertThat(((EngineMessage) message).topic()).isEqualTo("ticks"))
			.assertNext((message) -> assertThat(message.toString()).contains("\"topic\":\"$run\"", "completed"))
			.thenCancel()
			.verify(WAIT);
	}

	@Test
	void whenRunIsCancelledThenWorkIsInterruptedAndCancelledIsPublished() throws Exception {
		TestJobChannel channel = TestJobChannel.of("cancelled");
		CountDownLatch started = new CountDownLatch(1);
		CountDownLatch interrupted = new CountDownLatch(1);
		AtomicBoolean publishedAfterCancel = new AtomicBoolean();
		AtomicInteger attempts = new AtomicInteger();
		RunHandle<String> handle = this.fixture.runs.start(channel,
				RunOptions.defaults().withRunId("cancelled").withRetry(FAST_RETRY), (run) -> {
					attempts.incrementAndGet();
					started.countDown();
					try {
						Thread.sleep(WAIT.toMillis());
					}
					catch (InterruptedException ex) {
						try {
							run.publish(channel.ticks(), new Tick(1));
							publishedAfterCancel.set(true);
						}
						finally {
							interrupted.countDown();
						}
					}
					return "not reached";
				});
		assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
		assertThat(handle.cancel()).isTrue();
		assertThatExceptionOfType(CancellationException.class).isThrownBy(() -> handle.await(WAIT));
		assertThat(handle.cancel()).isFalse();
		assertThat(handle.status().state()).isEqualTo(State.CANCELLED);
		assertThat(interrupted.await(5, TimeUnit.SECONDS)).isTrue();
		assertThat(publishedAfterCancel).isFalse();
		StepVerifier.create(handle.messages().map(this.fixture::summary))
			.expectNext("$run {\"status\":\"running\",\"attempt\":1}", "$run {\"status\":\"cancelled\"}")
			.expectComplete()
			.verify(WAIT);
		assertThat(attempts).hasValue(1);
		assertThat(this.fixture.runs.find("cancelled")).isNull();
	}

	@Test
	void whenWorkThrowsCancellationThenRunIsCancelledWithoutRetry() {
		TestJobChannel channel = TestJobChannel.of("self-cancelled");
		AtomicInteger attempts = new AtomicInteger();
		RunHandle<String> handle = this.fixture.runs.start(channel, RunOptions.defaults().withRetry(FAST_RETRY),
				(run) -> {
					attempts.incrementAndGet();
					throw new CancellationException("not approved");
				});
		assertThatExceptionOfType(CancellationException.class).isThrownBy(() -> handle.await(WAIT));
		assertThat(attempts).hasValue(1);
	}

	@Test
	void whenRunFailsThenErrorMessageIsGenericUnlessTheWorkChoseOne() {
		TestJobChannel channel = TestJobChannel.of("failing");
		RunHandle<String> hidden = this.fixture.runs.start(channel, RunOptions.defaults().withRunId("hidden"),
				(run) -> {
					throw new IllegalStateException("password=secret");
				});
		assertThatExceptionOfType(RunFailureException.class).isThrownBy(() -> hidden.await(WAIT))
			.withMessage("Run failed")
			.withCauseInstanceOf(IllegalStateException.class);
		RunHandle<String> exposed = this.fixture.runs.start(channel, RunOptions.defaults().withRunId("exposed"),
				(run) -> {
					throw new RunFailureException("Quota exceeded", new IllegalStateException("password=secret"));
				});
		assertThatExceptionOfType(RunFailureException.class).isThrownBy(() -> exposed.await(WAIT))
			.withMessage("Quota exceeded");
		StepVerifier.create(this.fixture.runs.observe(channel, "hidden").map(this.fixture::summary))
			.expectNext("$run {\"status\":\"running\",\"attempt\":1}",
					"$run {\"status\":\"failed\",\"error\":{\"message\":\"Run failed\"}}")
			.expectComplete()
			.verify(WAIT);
		StepVerifier.create(this.fixture.runs.observe(channel, "exposed").map(this.fixture::summary))
			.expectNext("$run {\"status\":\"running\",\"attempt\":1}",
					"$run {\"status\":\"failed\",\"error\":{\"message\":\"Quota exceeded\"}}")
			.expectComplete()
			.verify(WAIT);
		assertThat(hidden.status()).isEqualTo(new RunStatus(State.FAILED, 1));
	}

	@Test
	void whenValueStepIsRetriedThenRecordedValueIsReturnedWithoutCallingTheWork() throws Exception {
		TestJobChannel channel = TestJobChannel.of("values");
		AtomicInteger calls = new AtomicInteger();
		RunHandle<Status> handle = this.fixture.runs.start(channel, RunOptions.defaults().withRetry(FAST_RETRY),
				(run) -> {
					Status status = run.step("compute")
						.run(Status.class, () -> new Status("computed " + calls.incrementAndGet()));
					if (run.attempt() < 2) {
						throw new IllegalStateException("retry");
					}
					return status;
				});
		assertThat(handle.await(WAIT)).isEqualTo(new Status("computed 1"));
		assertThat(calls).hasValue(1);
	}

	@Test
	void whenStepIdIsInvalidOrReusedThenStepIsRefused() throws Exception {
		TestJobChannel channel = TestJobChannel.of("step-ids");
		RunHandle<String> handle = this.fixture.runs.start(channel, (run) -> {
			assertThatIllegalArgumentException().isThrownBy(() -> run.step(""));
			assertThatIllegalArgumentException().isThrownBy(() -> run.step("a".repeat(129)));
			assertThatIllegalArgumentException().isThrownBy(() -> run.step("has space"));
			assertThatIllegalArgumentException().isThrownBy(() -> run.step("new\nline"));
			Step step = run.step("a".repeat(128));
			step.publish(channel.status(), new Status("once"));
			assertThatIllegalStateException().isThrownBy(() -> step.publish(channel.status(), new Status("twice")));
			assertThatIllegalStateException().isThrownBy(() -> run.step("a".repeat(128)));
			assertThatIllegalArgumentException()
				.isThrownBy(() -> run.publish(TestJobChannel.of("other").status(), new Status("elsewhere")));
			assertThatIllegalArgumentException()
				.isThrownBy(() -> run.awaitReply(TestJobChannel.of("other").approval(), Duration.ZERO));
			return "checked";
		});
		assertThat(handle.await(WAIT)).isEqualTo("checked");
	}

	@Test
	void whenValueStepIsUsedTwiceInOneAttemptThenTheSecondUseIsRefused() throws Exception {
		TestJobChannel channel = TestJobChannel.of("value-twice");
		AtomicInteger calls = new AtomicInteger();
		RunHandle<String> handle = this.fixture.runs.start(channel, (run) -> {
			Step step = run.step("compute");
			step.run(Integer.class, calls::incrementAndGet);
			assertThatIllegalStateException().isThrownBy(() -> step.run(Integer.class, calls::incrementAndGet))
				.withMessageContaining("is already used");
			return "checked";
		});
		assertThat(handle.await(WAIT)).isEqualTo("checked");
		assertThat(calls).hasValue(1);
	}

	@Test
	void whenRetriedStepComputesWhatItPublishedBeforeThenRunFails() {
		TestJobChannel channel = TestJobChannel.of("kind-change");
		RunHandle<String> handle = this.fixture.runs.start(channel, RunOptions.defaults().withRetry(FAST_RETRY),
				(run) -> {
					if (run.attempt() == 1) {
						run.step("notify").publish(channel.status(), new Status("first"));
						throw new IllegalStateException("retry");
					}
					return run.step("notify").run(String.class, () -> "computed");
				});
		assertThatExceptionOfType(RunFailureException.class).isThrownBy(() -> handle.await(WAIT))
			.havingCause()
			.isInstanceOf(IllegalStateException.class)
			.withMessageContaining("recorded a publish to 'status'");
	}

	@Test
	void whenRetriedStepPublishesToTheSameTopicOfAnotherChannelThenRunFails() {
		TestJobChannel channel = TestJobChannel.of("channel-change");
		TestJobChannel other = TestJobChannel.of("other");
		RunHandle<String> handle = this.fixture.runs.start(channel, RunOptions.defaults().withRetry(FAST_RETRY),
				(run) -> {
					if (run.attempt() == 1) {
						run.step("notify").publish(channel.status(), new Status("first"));
						throw new IllegalStateException("retry");
					}
					// recorded as a publish to 'status', but of the run's channel
					return run.step("notify").publish(other.status(), new Status("second")).channel();
				});
		assertThatExceptionOfType(RunFailureException.class).isThrownBy(() -> handle.await(WAIT))
			.havingCause()
			.isInstanceOf(IllegalArgumentException.class)
			.withMessageContaining("is not on channel '" + channel.name() + "'");
	}

	@Test
	void whenRetriedStepUsesAnotherTopicThenRunFails() {
		TestJobChannel channel = TestJobChannel.of("topic-change");
		RunHandle<String> handle = this.fixture.runs.start(channel, RunOptions.defaults().withRetry(FAST_RETRY),
				(run) -> {
					if (run.attempt() == 1) {
						run.step("notify").publish(channel.status(), new Status("first"));
						throw new IllegalStateException("retry");
					}
					run.step("notify").publish(channel.ticks(), new Tick(2));
					return "not reached";
				});
		assertThatExceptionOfType(RunFailureException.class).isThrownBy(() -> handle.await(WAIT))
			.havingCause()
			.isInstanceOf(IllegalStateException.class)
			.withMessageContaining("recorded a publish to 'status'");
	}

	@Test
	void whenRunIdIsActiveOrInvalidThenStartIsRefused() throws Exception {
		TestJobChannel channel = TestJobChannel.of("ids");
		CountDownLatch release = new CountDownLatch(1);
		RunHandle<Boolean> handle = this.fixture.runs.start(channel, RunOptions.defaults().withRunId("ids"),
				(run) -> release.await(5, TimeUnit.SECONDS));
		assertThat(this.fixture.runs.find("ids")).isSameAs(handle);
		assertThatIllegalStateException()
			.isThrownBy(() -> this.fixture.runs.start(channel, RunOptions.defaults().withRunId("ids"), (run) -> 1));
		assertThatExceptionOfType(InvalidChannelException.class)
			.isThrownBy(() -> RunOptions.defaults().withRunId("run:1"));
		release.countDown();
		assertThat(handle.await(WAIT)).isTrue();
		assertThat(this.fixture.runs.find("ids")).isNull();
	}

	@Test
	void whenGeneratedRunIdThenItIsAValidChannelValue() throws Exception {
		RunHandle<String> handle = this.fixture.runs.start(TestJobChannel.of("generated"), Run::runId);
		String runId = handle.await(WAIT);
		assertThat(runId).isEqualTo(handle.runId());
		ChannelTemplate.checkValue("runId", runId);
	}

	@Test
	void whenExecutorIsFullThenRunIsRejected() throws Exception {
		try (RunsFixture small = new RunsFixture(1, 1)) {
			TestJobChannel channel = TestJobChannel.of("busy");
			CountDownLatch release = new CountDownLatch(1);
			RunHandle<Boolean> running = small.runs.start(channel, (run) -> release.await(5, TimeUnit.SECONDS));
			RunHandle<Boolean> queued = small.runs.start(channel, (run) -> true);
			assertThatExceptionOfType(RunRejectedException.class)
				.isThrownBy(() -> small.runs.start(channel, RunOptions.defaults().withRunId("rejected"), (run) -> true))
				.withMessageContaining("realtime.runs.queue-capacity");
			assertThat(small.runs.find("rejected")).isNull();
			assertThat(queued.status().state()).isEqualTo(State.PENDING);
			release.countDown();
			assertThat(running.await(WAIT)).isTrue();
			assertThat(queued.await(WAIT)).isTrue();
		}
	}

	@Test
	void whenRunsAreDestroyedThenActiveRunsAreCancelled() throws Exception {
		TestJobChannel channel = TestJobChannel.of("shutdown");
		CountDownLatch started = new CountDownLatch(1);
		RunHandle<Boolean> handle = this.fixture.runs.start(channel, (run) -> {
			started.countDown();
			return new CountDownLatch(1).await(5, TimeUnit.SECONDS);
		});
		assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
		this.fixture.runs.destroy();
		assertThatExceptionOfType(CancellationException.class).isThrownBy(() -> handle.await(WAIT));
		assertThatExceptionOfType(RunRejectedException.class)
			.isThrownBy(() -> this.fixture.runs.start(channel, (run) -> true))
			.withMessageContaining("shut down");
		assertThat(handle.status().state()).isEqualTo(State.CANCELLED);
	}

}
