package dev.realtime.run;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.realtime.engine.redis.EnabledIfRedis;
import dev.realtime.engine.redis.RedisEngine;
import dev.realtime.engine.redis.RedisRunLeases;
import dev.realtime.run.JobChannel.Status;
import dev.realtime.run.JobChannel.Tick;
import dev.realtime.run.redis.RedisRunMemoStore;
import io.lettuce.core.ClientOptions;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.Cursor;
import org.springframework.data.redis.core.ScanOptions;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * A run node in a process of its own, on the shared test Redis, that tests kill or pause:
 * it starts one run and then waits to be killed, for a minute at most.
 * <p>
 * Arguments: key prefix, run id, {@code named} or {@code adhoc}, lease ttl in ms.
 *
 * @author Realtime team
 */
public final class RunNodeMain {

	/**
	 * A named run of {@code steps} durable steps, each after a non-durable tick that
	 * carries the attempt, {@code pause} ms apart.
	 */
	static final RunDefinition<Job, String> STEPS = RunDefinition.of("steps", Job.class, (run, job) -> {
		TestJobChannel channel = TestJobChannel.of(run.runId());
		for (int i = 1; i <= job.steps(); i++) {
			run.publish(channel.ticks(), new Tick(run.attempt() * 100 + i));
			run.step("s" + i).publish(channel.status(), new Status("s" + i));
			Thread.sleep(job.pause());
		}
		return job.name() + " done";
	});

	private RunNodeMain() {
	}

	public static void main(String[] args) throws Exception {
		String prefix = args[0];
		String runId = args[1];
		Duration ttl = Duration.ofMillis(Long.parseLong(args[3]));
		LettuceConnectionFactory factory = connectionFactory();
		RunNodes nodes = redisNodes(factory, prefix);
		DefaultRealtimeRuns runs = nodes.node(ttl, STEPS);
		TestJobChannel channel = TestJobChannel.of(runId);
		RunOptions options = RunOptions.defaults().withRunId(runId).withRetry(RetryPolicy.of(3, Duration.ZERO));
		if (args[2].equals("named")) {
			runs.start(STEPS, channel, new Job(runId, 8, 400), options);
		}
		else {
			runs.start(channel, options, (run) -> {
				for (int i = 1;; i++) {
					run.publish(channel.ticks(), new Tick(i));
					Thread.sleep(200);
				}
			});
		}
		System.out.println("STARTED");
		System.out.flush();
		Thread.sleep(60_000);
		System.exit(0);
	}

	static LettuceConnectionFactory connectionFactory() {
		LettuceClientConfiguration configuration = LettuceClientConfiguration.builder()
			.clientOptions(ClientOptions.builder()
				.disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
				.build())
			.commandTimeout(Duration.ofSeconds(2))
			.build();
		LettuceConnectionFactory factory = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration(EnabledIfRedis.HOST, EnabledIfRedis.PORT), configuration);
		factory.afterPropertiesSet();
		factory.start();
		return factory;
	}

	static RunNodes redisNodes(LettuceConnectionFactory factory, String prefix) {
		RedisEngine engine = new RedisEngine(factory, prefix, 100, Duration.ofMinutes(5), 1024, Duration.ofSeconds(2));
		return new RunNodes(engine, new RedisRunMemoStore(factory, prefix, Duration.ofMinutes(10)),
				new RedisRunLeases(factory, prefix, 100, Duration.ofMinutes(5)));
	}

	static void deleteKeys(LettuceConnectionFactory factory, String prefix) {
		StringRedisTemplate template = new StringRedisTemplate(factory);
		List<String> keys = new ArrayList<>();
		try (Cursor<String> cursor = template.scan(ScanOptions.scanOptions().match(prefix + "*").count(1000).build())) {
			cursor.forEachRemaining(keys::add);
		}
		if (!keys.isEmpty()) {
			template.delete(keys);
		}
	}

	record Job(String name, int steps, long pause) {
	}

}
