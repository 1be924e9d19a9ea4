package dev.realtime.benchmarks;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.realtime.benchmarks.BenchmarkRunner.Variants;
import dev.realtime.benchmarks.BenchmarkRunner.WebStack;
import dev.realtime.benchmarks.Scenarios.Settings;
import dev.realtime.benchmarks.SystemUnderTest.Kind;
import dev.realtime.benchmarks.emitter.EmitterServer;
import dev.realtime.benchmarks.starter.StarterServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the smoke mode in this process against the starter's server on WebFlux, then
 * against the starter's server on Spring MVC ({@code starter-mvc}) and the hand-written
 * Spring MVC baseline ({@code sseemitter}), so that the build proves the harness works: a
 * server of its own per step for the fresh JVM mode (here a new application context), and
 * this JVM's GC log for the records.
 *
 * @author Realtime team
 */
class BenchmarkSmokeTests {

	@Test
	void whenSmokeRunsAgainstTheStarterThenEveryScenarioDelivers(@TempDir Path directory) throws Exception {
		smoke(directory, "starter", "NettyWebServer");
	}

	@Test
	void whenSmokeRunsAgainstTheStarterOnSpringMvcThenEveryScenarioDelivers(@TempDir Path directory) throws Exception {
		smoke(directory, "starter-mvc", "TomcatWebServer");
	}

	@Test
	void whenSmokeRunsAgainstTheSseEmitterBaselineThenEverySseScenarioDelivers(@TempDir Path directory)
			throws Exception {
		smoke(directory, "sseemitter", "TomcatWebServer");
	}

	private static void smoke(Path directory, String name, String webServer) throws Exception {
		Path gcLog = directory.resolve("gc.log");
		GcLog.startInThisJvm(gcLog);
		List<ConfigurableApplicationContext> fresh = new ArrayList<>();
		try (ConfigurableApplicationContext context = server(name); LoadGenerator load = new LoadGenerator(1, 200)) {
			assertThat(((WebServerApplicationContext) context).getWebServer().getClass().getSimpleName())
				.isEqualTo(webServer);
			PrintStream out = System.out;
			List<String> failures = new BenchmarkRunner(Settings.smoke(), 1, false, Variants.DEFAULT, out,
					(started) -> {
						ConfigurableApplicationContext step = server(started);
						fresh.add(step);
						// stopped at the end: the contexts of this process share Reactor
						// Netty's
						// global resources, which closing one of them would dispose
						return system(started, step, gcLog, () -> {
						});
					})
				.smoke(load, List.of(system(name, context, gcLog, () -> {
				})));
			assertThat(failures).isEmpty();
			assertThat(fresh).as("servers started for the fresh JVM mode").isNotEmpty();
		}
		finally {
			fresh.forEach(ConfigurableApplicationContext::close);
		}
	}

	private static SystemUnderTest system(String name, ConfigurableApplicationContext context, Path gcLog,
			Runnable stop) {
		Integer port = context.getEnvironment().getProperty("local.server.port", Integer.class);
		assertThat(port).isNotNull();
		Kind kind = name.equals("sseemitter") ? Kind.EMITTER : Kind.STARTER;
		return new SystemUnderTest(name, kind, List.of(ServerProcess.inProcess(name, port, gcLog, stop)));
	}

	/**
	 * Start a server as the runner starts it, on the web stack it names.
	 */
	private static ConfigurableApplicationContext server(String name) {
		List<String> args = new ArrayList<>(List.of("--server.port=0", "--server.address=127.0.0.1",
				"--spring.main.banner-mode=off", "--realtime.token.ttl=1h",
				"--realtime.limits.streams-per-token=1000000", "--realtime.limits.connections-per-principal=1000000"));
		args.addAll(name.equals("starter") ? WebStack.REACTIVE.args() : WebStack.SERVLET.args());
		if (name.equals("sseemitter")) {
			args.addAll(BenchmarkRunner.SSE_EMITTER_ARGS);
		}
		Class<?> application = name.equals("sseemitter") ? EmitterServer.class : StarterServer.class;
		return new SpringApplicationBuilder(application).run(args.toArray(String[]::new));
	}

}
