package dev.realtime.benchmarks;

import java.io.PrintStream;
import java.util.List;

import dev.realtime.benchmarks.Scenarios.Settings;
import dev.realtime.benchmarks.SystemUnderTest.Kind;
import dev.realtime.benchmarks.starter.StarterServer;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the smoke mode against the starter's server in this process, so that the build
 * proves the harness works.
 *
 * @author Realtime team
 */
class BenchmarkSmokeTests {

	@Test
	void whenSmokeRunsAgainstTheStarterThenEveryScenarioDelivers() throws Exception {
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(StarterServer.class).run(
				"--server.port=0", "--server.address=127.0.0.1", "--spring.main.banner-mode=off",
				"--realtime.token.ttl=1h", "--realtime.limits.streams-per-token=1000000",
				"--realtime.limits.connections-per-principal=1000000");
				LoadGenerator load = new LoadGenerator(1, 200)) {
			Integer port = context.getEnvironment().getProperty("local.server.port", Integer.class);
			assertThat(port).isNotNull();
			SystemUnderTest starter = new SystemUnderTest("starter", Kind.STARTER,
					List.of(ServerProcess.inProcess("starter", port)));
			PrintStream out = System.out;
			List<String> failures = new BenchmarkRunner(Settings.smoke(), 1, out).smoke(load, List.of(starter));
			assertThat(failures).isEmpty();
		}
	}

}
