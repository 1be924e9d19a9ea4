package dev.realtime.benchmarks;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.realtime.benchmarks.BenchmarkRunner.Variants;
import dev.realtime.benchmarks.Scenarios.Settings;
import dev.realtime.benchmarks.SystemUnderTest.Kind;
import dev.realtime.benchmarks.starter.StarterServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the smoke mode against the starter's server in this process, so that the build
 * proves the harness works: a server of its own per step for the fresh JVM mode (here a
 * new application context), and this JVM's GC log for the records.
 *
 * @author Realtime team
 */
class BenchmarkSmokeTests {

	@Test
	void whenSmokeRunsAgainstTheStarterThenEveryScenarioDelivers(@TempDir Path directory) throws Exception {
		Path gcLog = directory.resolve("gc.log");
		GcLog.startInThisJvm(gcLog);
		List<ConfigurableApplicationContext> fresh = new ArrayList<>();
		try (ConfigurableApplicationContext context = starter(); LoadGenerator load = new LoadGenerator(1, 200)) {
			PrintStream out = System.out;
			List<String> failures = new BenchmarkRunner(Settings.smoke(), 1, false, Variants.DEFAULT, out, (name) -> {
				ConfigurableApplicationContext step = starter();
				fresh.add(step);
				// stopped at the end: the contexts of this process share Reactor Netty's
				// global resources, which closing one of them would dispose
				return system(step, gcLog, () -> {
				});
			}).smoke(load, List.of(system(context, gcLog, () -> {
			})));
			assertThat(failures).isEmpty();
			assertThat(fresh).as("servers started for the fresh JVM mode").isNotEmpty();
		}
		finally {
			fresh.forEach(ConfigurableApplicationContext::close);
		}
	}

	private static SystemUnderTest system(ConfigurableApplicationContext context, Path gcLog, Runnable stop) {
		Integer port = context.getEnvironment().getProperty("local.server.port", Integer.class);
		assertThat(port).isNotNull();
		return new SystemUnderTest("starter", Kind.STARTER,
				List.of(ServerProcess.inProcess("starter", port, gcLog, stop)));
	}

	private static ConfigurableApplicationContext starter() {
		return new SpringApplicationBuilder(StarterServer.class).run("--server.port=0", "--server.address=127.0.0.1",
				"--spring.main.banner-mode=off", "--realtime.token.ttl=1h",
				"--realtime.limits.streams-per-token=1000000", "--realtime.limits.connections-per-principal=1000000");
	}

}
