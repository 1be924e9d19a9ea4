package dev.realtime.run;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.realtime.engine.LeaseToken;
import dev.realtime.engine.RunLease;
import dev.realtime.engine.redis.EnabledIfRedis;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Takeover, lease races and cancel on the Redis engine, with a node in a child process
 * that the test kills.
 *
 * @author Realtime team
 */
@EnabledIfRedis
class RedisRunTakeoverTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private static final Duration TTL = Duration.ofSeconds(1);

	private final String prefix = "realtime-test:" + UUID.randomUUID().toString().substring(0, 8) + ":";

	private final LettuceConnectionFactory factory = RunNodeMain.connectionFactory();

	private final RunNodes nodes = RunNodeMain.redisNodes(this.factory, this.prefix);

	private Process child;

	@AfterEach
	void close() throws Exception {
		if (this.child != null) {
			this.child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
		}
		this.nodes.close();
		RunNodeMain.deleteKeys(this.factory, this.prefix);
		this.factory.destroy();
	}

	@Test
	void whenNodeOfNamedRunIsKilledThenAnotherNodeContinuesItAsTheNextAttempt() throws Exception {
		TestJobChannel channel = TestJobChannel.of("killed-1");
		Queue<String> messages = this.nodes.record(channel);
		this.nodes.node(TTL, RunNodeMain.STEPS);
		this.child = startNode("killed-1", "named");
		Awaitility.await().atMost(WAIT).until(() -> messages.contains("status {\"message\":\"s3\"}"));
		// between steps (400 ms apart): s3 is recorded, which the step does right after
		// publishing; a kill between the two is the documented at-least-once window
		Thread.sleep(150);
		this.child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
		Awaitility.await()
			.atMost(WAIT.multipliedBy(2))
			.until(() -> messages.contains("$run {\"status\":\"completed\",\"result\":\"killed-1 done\"}"));
		List<String> all = List.copyOf(messages);
		for (int i = 1; i <= 8; i++) {
			assertThat(all).filteredOn(("status {\"message\":\"s" + i + "\"}")::equals).hasSize(1);
		}
		assertThat(all).contains("$run {\"status\":\"running\",\"attempt\":2}");
		assertThat(all.get(all.size() - 1)).contains("completed");
	}

	@Test
	void whenNodeOfAdHocRunIsKilledThenRunFailsWithNodeLostWithinTheBound() throws Exception {
		TestJobChannel channel = TestJobChannel.of("killed-2");
		Queue<String> messages = this.nodes.record(channel);
		this.nodes.node(TTL);
		this.child = startNode("killed-2", "adhoc");
		Awaitility.await().atMost(WAIT).until(() -> messages.contains("ticks {\"n\":2}"));
		this.child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
		Instant killed = Instant.now();
		Awaitility.await()
			.atMost(WAIT)
			.until(() -> messages.contains("$run {\"status\":\"failed\",\"error\":{\"message\":\"node lost\"}}"));
		// lease ttl plus scan interval, and some slack for a busy machine
		assertThat(Duration.between(killed, Instant.now())).isLessThan(TTL.multipliedBy(4));
	}

	@Test
	void whenPausedNodeComesBackThenItPublishesNothingMoreForTheRun() throws Exception {
		TestJobChannel channel = TestJobChannel.of("paused-1");
		Queue<String> messages = this.nodes.record(channel);
		this.nodes.node(TTL, RunNodeMain.STEPS);
		this.child = startNode("paused-1", "named");
		Awaitility.await().atMost(WAIT).until(() -> messages.contains("status {\"message\":\"s2\"}"));
		signal("STOP");
		try {
			Awaitility.await()
				.atMost(WAIT)
				.until(() -> messages.contains("$run {\"status\":\"running\",\"attempt\":2}"));
		}
		finally {
			signal("CONT");
		}
		Awaitility.await()
			.atMost(WAIT.multipliedBy(2))
			.until(() -> messages.contains("$run {\"status\":\"completed\",\"result\":\"paused-1 done\"}"));
		Thread.sleep(1000);
		List<String> all = List.copyOf(messages);
		int takeover = all.indexOf("$run {\"status\":\"running\",\"attempt\":2}");
		// ticks of attempt 1 are 101..108: none after the takeover
		assertThat(all.subList(takeover, all.size())).noneMatch((message) -> message.startsWith("ticks {\"n\":1"));
		for (int i = 1; i <= 8; i++) {
			assertThat(all).filteredOn(("status {\"message\":\"s" + i + "\"}")::equals).hasSize(1);
		}
	}

	@Test
	void whenManyNodesRaceForAnExpiredLeaseThenExactlyOneTakesItOver() throws Exception {
		AtomicInteger executions = new AtomicInteger();
		RunDefinition<RunNodeMain.Job, Integer> counted = RunDefinition.of("counted", RunNodeMain.Job.class,
				(run, job) -> {
					executions.incrementAndGet();
					return run.attempt();
				});
		TestJobChannel channel = TestJobChannel.of("race-1");
		Queue<String> messages = this.nodes.record(channel);
		for (int i = 0; i < 6; i++) {
			this.nodes.node(Duration.ofMillis(200), counted);
		}
		byte[] input = "{\"name\":\"x\",\"steps\":0,\"pause\":0}".getBytes(StandardCharsets.UTF_8);
		RunLease lease = new RunLease(new LeaseToken(channel.name(), "race-1", "dead-claim"), "counted", input, 1, 3,
				"dead-node", Instant.now(), false);
		assertThat(this.nodes.leases.acquire(lease, Duration.ofMillis(1)).block(WAIT)).isTrue();
		Awaitility.await().atMost(WAIT).until(() -> messages.contains("$run {\"status\":\"completed\",\"result\":2}"));
		Thread.sleep(500);
		assertThat(executions).hasValue(1);
		assertThat(messages).containsExactly("$run {\"status\":\"running\",\"attempt\":2}",
				"$run {\"status\":\"completed\",\"result\":2}");
	}

	@Test
	void whenRunOnAnotherNodeIsCancelledThenItEndsCancelledAndItsFluxIsDisposed() throws Exception {
		DefaultRealtimeRuns a = this.nodes.node(TTL);
		DefaultRealtimeRuns b = this.nodes.node(TTL);
		TestJobChannel channel = TestJobChannel.of("cancel-1");
		Queue<String> messages = this.nodes.record(channel);
		CountDownLatch disposed = new CountDownLatch(1);
		AtomicInteger received = new AtomicInteger();
		RunHandle<String> handle = a.start(channel, RunOptions.defaults().withRunId("cancel-1"), (run) -> {
			run.consume(reactor.core.publisher.Flux.interval(Duration.ofMillis(5)).doOnCancel(disposed::countDown),
					(tick) -> received.incrementAndGet());
			return "not reached";
		});
		Awaitility.await().atMost(WAIT).until(() -> received.get() > 3);
		assertThat(b.cancel(channel, "cancel-1").block(WAIT)).isEqualTo(RunCancellation.REQUESTED);
		assertThat(disposed.await(5, TimeUnit.SECONDS)).isTrue();
		assertThatExceptionOfType(CancellationException.class).isThrownBy(() -> handle.await(WAIT));
		Awaitility.await()
			.atMost(WAIT)
			.untilAsserted(() -> assertThat(messages).containsExactly("$run {\"status\":\"running\",\"attempt\":1}",
					"$run {\"status\":\"cancelled\"}"));
		Awaitility.await()
			.atMost(WAIT)
			.until(() -> b.cancel(channel, "cancel-1").block(WAIT) == RunCancellation.ALREADY_ENDED);
		assertThat(b.cancel(channel, "unknown-1").block(WAIT)).isEqualTo(RunCancellation.UNKNOWN);
	}

	private Process startNode(String runId, String mode) throws Exception {
		Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
		Process process = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
				RunNodeMain.class.getName(), this.prefix, runId, mode, Long.toString(TTL.toMillis()))
			.redirectErrorStream(true)
			.start();
		BufferedReader output = new BufferedReader(
				new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
		long deadline = System.nanoTime() + WAIT.toNanos();
		String line;
		while ((line = output.readLine()) != null && System.nanoTime() < deadline) {
			if (line.equals("STARTED")) {
				// keep draining so that the child never blocks on a full pipe
				Thread drain = new Thread(() -> output.lines().forEach((ignored) -> {
				}));
				drain.setDaemon(true);
				drain.start();
				return process;
			}
		}
		process.destroyForcibly();
		throw new IllegalStateException("The run node did not start");
	}

	private void signal(String signal) throws Exception {
		new ProcessBuilder("kill", "-" + signal, Long.toString(this.child.pid())).start().waitFor(5, TimeUnit.SECONDS);
	}

}
