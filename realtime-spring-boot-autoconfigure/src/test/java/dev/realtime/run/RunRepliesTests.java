package dev.realtime.run;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.realtime.run.JobChannel.Approval;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link Run#awaitReply(dev.realtime.Topic, Duration)}.
 *
 * @author Realtime team
 */
class RunRepliesTests {

	private static final Duration WAIT = Duration.ofSeconds(5);

	private final RunsFixture fixture = new RunsFixture();

	@AfterEach
	void close() throws Exception {
		this.fixture.close();
	}

	@Test
	void whenClientRepliesWhileRunWaitsThenRunReceivesTheReply() throws Exception {
		TestJobChannel channel = TestJobChannel.of("approval");
		CountDownLatch asking = new CountDownLatch(1);
		RunHandle<Approval> handle = this.fixture.runs.start(channel, (run) -> {
			asking.countDown();
			return run.awaitReply(channel.approval(), WAIT);
		});
		assertThat(asking.await(5, TimeUnit.SECONDS)).isTrue();
		Thread.sleep(50);
		this.fixture.reply(channel, "approval", "{\"approved\":true,\"comment\":\"ship it\"}");
		assertThat(handle.await(WAIT)).isEqualTo(new Approval(true, "ship it"));
	}

	@Test
	void whenReplyArrivedBeforeRunWaitedThenItIsKeptForTheRun() throws Exception {
		TestJobChannel channel = TestJobChannel.of("early");
		CountDownLatch replied = new CountDownLatch(1);
		RunHandle<String> handle = this.fixture.runs.start(channel, (run) -> {
			replied.await(5, TimeUnit.SECONDS);
			// both were published before the run waits, and reach this node a loop hop
			// later: one that was not kept would never come
			Approval first = run.awaitReply(channel.approval(), WAIT);
			Approval second = run.awaitReply(channel.approval(), WAIT);
			return first.comment() + ", " + second.comment();
		});
		this.fixture.reply(channel, "approval", "{\"approved\":false,\"comment\":\"first\"}");
		this.fixture.reply(channel, "approval", "{\"approved\":true,\"comment\":\"second\"}");
		replied.countDown();
		assertThat(handle.await(WAIT)).isEqualTo("first, second");
	}

	@Test
	void whenNoReplyArrivesThenAwaitReplyTimesOut() throws Exception {
		TestJobChannel channel = TestJobChannel.of("silent");
		RunHandle<String> handle = this.fixture.runs.start(channel, (run) -> {
			// the run's own messages and replies to other topics are not replies
			run.publish(channel.approval(), new Approval(true, "from the run"));
			this.fixture.reply(channel, "status", "{\"message\":\"not an approval\"}");
			try {
				run.awaitReply(channel.approval(), Duration.ofMillis(100));
				return "replied";
			}
			catch (ReplyTimeoutException ex) {
				return ex.getMessage();
			}
		});
		assertThat(handle.await(WAIT))
			.isEqualTo("Run '" + handle.runId() + "' got no reply on 'approval' within PT0.1S");
	}

	@Test
	void whenRunEndsThenItStopsListeningForReplies() throws Exception {
		try (RunsFixture unretained = new RunsFixture(4, 16, 0)) {
			TestJobChannel channel = TestJobChannel.of("ended");
			RunHandle<Integer> handle = unretained.runs.start(channel, (run) -> unretained.engine.channelCount());
			// while the run executes, its replies subscription is the channel's only
			// state
			assertThat(handle.await(WAIT)).isOne();
			// the subscription leaves on its own loop
			await().atMost(WAIT).untilAsserted(() -> assertThat(unretained.engine.channelCount()).isZero());
		}
	}

	@Test
	void whenRunIsRejectedThenItDoesNotListenForReplies() throws Exception {
		try (RunsFixture small = new RunsFixture(1, 0, 0)) {
			CountDownLatch release = new CountDownLatch(1);
			RunHandle<Boolean> running = small.runs.start(TestJobChannel.of("busy"),
					(run) -> release.await(5, TimeUnit.SECONDS));
			int listening = small.engine.channelCount();
			assertThatExceptionOfType(RunRejectedException.class)
				.isThrownBy(() -> small.runs.start(TestJobChannel.of("rejected"), (run) -> true));
			await().atMost(WAIT).untilAsserted(() -> assertThat(small.engine.channelCount()).isEqualTo(listening));
			release.countDown();
			assertThat(running.await(WAIT)).isTrue();
		}
	}

	@Test
	void whenReplyIsAwaitedInValueStepThenRetryDoesNotWaitAgain() throws Exception {
		TestJobChannel channel = TestJobChannel.of("memoized-reply");
		RunHandle<Boolean> handle = this.fixture.runs.start(channel,
				RunOptions.defaults().withRetry(RetryPolicy.of(2, Duration.ZERO)), (run) -> {
					Approval approval = run.step("approval")
						.run(Approval.class, () -> run.awaitReply(channel.approval(), WAIT));
					if (run.attempt() == 1) {
						throw new IllegalStateException("retry");
					}
					return approval.approved();
				});
		this.fixture.reply(channel, "approval", "{\"approved\":true}");
		assertThat(handle.await(WAIT)).isTrue();
	}

}
