package dev.realtime.benchmarks;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.realtime.benchmarks.Scenarios.Idle;
import dev.realtime.benchmarks.Scenarios.Knee;
import dev.realtime.benchmarks.Scenarios.Settings;
import dev.realtime.benchmarks.Scenarios.Shape;
import dev.realtime.benchmarks.Scenarios.Step;
import dev.realtime.benchmarks.SystemUnderTest.Kind;
import dev.realtime.benchmarks.baseline.BaselineServer;
import dev.realtime.benchmarks.floor.FloorServer;
import dev.realtime.benchmarks.starter.StarterServer;
import org.jspecify.annotations.Nullable;

/**
 * Runs the scenarios against the starter, the hand-written baseline and Nchan, each its
 * own process on 127.0.0.1, alternating between them, and prints the figures and ratios
 * as Markdown; {@code --rounds 2} (the default) measures every knee twice, going through
 * all the systems each round. {@code --smoke} runs every scenario for a moment at a tiny
 * size and exits non-zero when one fails.
 *
 * @author Realtime team
 * @since 0.1.0
 */
public final class BenchmarkRunner {

	private static final String SECRET = "realtime-benchmarks-shared-secret-0123456789";

	/** The nodes of S5 verify each other's tokens. */
	private static final String SHARED_SECRET = "base64:" + java.util.Base64.getEncoder()
		.encodeToString("realtime-benchmarks-shared-secret!".getBytes(java.nio.charset.StandardCharsets.UTF_8));

	private static final List<String> ALL_SCENARIOS = List.of("s1", "s1ws", "s2", "s2h", "s3", "s4", "s4ws", "s5");

	private final Settings settings;

	private final int rounds;

	private final PrintStream out;

	private final Map<String, String> rows = new LinkedHashMap<>();

	BenchmarkRunner(Settings settings, int rounds, PrintStream out) {
		this.settings = settings;
		this.rounds = rounds;
		this.out = out;
	}

	/**
	 * Run the benchmarks.
	 * @param args {@code --smoke}, {@code --systems starter,baseline,nchan},
	 * {@code --scenarios s1,s1ws,s2,s3,s4,s4ws,s5}, {@code --step-seconds 5},
	 * {@code --final-seconds 15}, {@code --start-rate 10000}, {@code --jfr},
	 * {@code --histogram}, {@code --out results.md}
	 * @throws Exception when the harness fails
	 */
	public static void main(String[] args) throws Exception {
		Map<String, String> options = options(args);
		boolean smoke = options.containsKey("smoke");
		Settings settings = smoke ? Settings.smoke()
				: Settings.full(Duration.ofSeconds(Long.parseLong(options.getOrDefault("step-seconds", "5"))),
						Duration.ofSeconds(Long.parseLong(options.getOrDefault("final-seconds", "15"))));
		if (options.containsKey("histogram")) {
			settings = settings.withHistogram();
		}
		if (options.containsKey("fan-out")) {
			settings = settings.withFanOut(Integer.parseInt(options.get("fan-out")));
		}
		if (options.containsKey("start-rate")) {
			settings = settings.startingAt(Double.parseDouble(options.get("start-rate")));
		}
		List<String> systems = List.of(options.getOrDefault("systems", "starter,baseline,nchan").split(","));
		List<String> scenarios = List.of(options.getOrDefault("scenarios", String.join(",", ALL_SCENARIOS)).split(","));
		Path directory = Files.createTempDirectory("realtime-benchmarks");
		int rounds = smoke ? 1 : Integer.parseInt(options.getOrDefault("rounds", "2"));
		BenchmarkRunner runner = new BenchmarkRunner(settings, rounds, System.out);
		List<SystemUnderTest> started = new ArrayList<>();
		// stop the servers when the run is interrupted too
		Runtime.getRuntime().addShutdownHook(new Thread(() -> started.forEach(SystemUnderTest::close)));
		int status;
		try (LoadGenerator load = new LoadGenerator(Integer.parseInt(options.getOrDefault("threads", "2")), 12_000)) {
			for (String system : systems) {
				started.add(start(system, directory, options.containsKey("jfr"), List.of()));
			}
			if (options.containsKey("fixed-rate")) {
				// one S1 (or S2) measurement per system at a given rate, to compare
				// changes
				Scenarios fixed = new Scenarios(load, settings, System.out);
				Shape shape = "s2".equals(options.get("shape")) ? runner.s2() : runner.s1();
				for (SystemUnderTest system : started) {
					fixed.fixedRate(system, shape, options.containsKey("ws"),
							Double.parseDouble(options.get("fixed-rate")));
				}
				status = 0;
			}
			else if (smoke) {
				List<String> failures = runner.smoke(load, started);
				failures.forEach((failure) -> System.out.println("FAILED: " + failure));
				System.out.println(failures.isEmpty() ? "Smoke run passed" : "Smoke run failed");
				status = failures.isEmpty() ? 0 : 1;
			}
			else {
				String report = runner.run(load, started, scenarios, directory);
				System.out.println(report);
				if (options.containsKey("out")) {
					Files.writeString(Path.of(options.get("out")), report);
				}
				status = 0;
			}
		}
		finally {
			started.forEach(SystemUnderTest::close);
			System.out.println("Logs and recordings: " + directory);
		}
		System.exit(status);
	}

	private static Map<String, String> options(String[] args) {
		Map<String, String> options = new LinkedHashMap<>();
		for (int i = 0; i < args.length; i++) {
			String name = args[i].replaceFirst("^--", "");
			boolean flag = i + 1 >= args.length || args[i + 1].startsWith("--");
			options.put(name, flag ? "" : args[++i]);
		}
		return options;
	}

	/**
	 * Start a system under test.
	 * @param name {@code starter}, {@code baseline}, {@code nchan}, {@code floor} or
	 * {@code starter-redis}
	 * @param directory where logs go
	 * @param jfr whether to record the Java server with Flight Recorder
	 * @param extraArgs further Spring Boot arguments of the starter's nodes
	 * @return the started system
	 * @throws IOException when it cannot be started
	 */
	static SystemUnderTest start(String name, Path directory, boolean jfr, List<String> extraArgs) throws IOException {
		return switch (name) {
			case "starter" -> new SystemUnderTest(name, Kind.STARTER,
					List.of(javaServer(name, StarterServer.class.getName(), directory, jfr, extraArgs)));
			case "baseline" -> new SystemUnderTest(name, Kind.BASELINE,
					List.of(javaServer(name, BaselineServer.class.getName(), directory, jfr, List.of())));
			case "nchan" -> new SystemUnderTest(name, Kind.NCHAN,
					List.of(ServerProcess.nchan(ServerProcess.freePort(), directory.resolve("nchan"))));
			case "floor" -> new SystemUnderTest(name, Kind.FLOOR,
					List.of(javaServer(name, FloorServer.class.getName(), directory, jfr, List.of())));
			default -> throw new IllegalArgumentException("Unknown system '" + name + "'");
		};
	}

	private static ServerProcess javaServer(String name, String mainClass, Path directory, boolean jfr,
			List<String> extraArgs) throws IOException {
		int port = ServerProcess.freePort();
		String extraJvmOptions = System.getenv("SERVER_JAVA_OPTS");
		List<String> extra = (extraJvmOptions != null && !extraJvmOptions.isBlank())
				? List.of(extraJvmOptions.trim().split("\\s+")) : List.of();
		List<String> jvm = new ArrayList<>(List.of("-Xms64m", "-Xmx1g"));
		if (extra.stream().noneMatch((option) -> option.matches("-XX:\\+Use\\w+GC"))) {
			jvm.add("-XX:+UseG1GC");
		}
		if (jfr) {
			jvm.add("-XX:StartFlightRecording=settings=profile,dumponexit=true,filename="
					+ directory.resolve(name + "-" + port + ".jfr"));
		}
		jvm.addAll(extra);
		List<String> args = new ArrayList<>(List.of("--server.port=" + port, "--server.address=127.0.0.1",
				"--spring.main.banner-mode=off", "--logging.level.root=WARN", "--realtime.token.ttl=2h",
				"--realtime.token.secret=" + SECRET,
				// the load shares one token per channel among many subscribers
				"--realtime.limits.streams-per-token=1000000", "--realtime.limits.connections-per-principal=1000000"));
		args.addAll(extraArgs);
		return ServerProcess.java(name + "-" + port, mainClass, port, directory, jvm, args);
	}

	/**
	 * Run every scenario at a tiny size.
	 * @param load the load generator
	 * @param systems the systems
	 * @return what failed, empty when the harness works
	 * @throws InterruptedException when interrupted
	 */
	List<String> smoke(LoadGenerator load, List<SystemUnderTest> systems) throws InterruptedException {
		Scenarios scenarios = new Scenarios(load, this.settings, this.out);
		List<String> failures = new ArrayList<>();
		double rate = this.settings.startRate();
		for (SystemUnderTest system : systems) {
			for (boolean webSocket : new boolean[] { false, true }) {
				check(failures, system, "S1 " + Scenarios.transport(webSocket),
						scenarios.fixedRate(system, s1(), webSocket, rate));
				Idle idle = scenarios.idle(system, this.settings.idle(), webSocket);
				if (idle.connected() != idle.count()) {
					failures.add(system.name() + " S4 " + Scenarios.transport(webSocket) + ": " + idle.connected()
							+ " of " + idle.count() + " idle subscriptions open");
				}
			}
			check(failures, system, "S2", scenarios.fixedRate(system, s2(), false, rate));
		}
		return failures;
	}

	private static void check(List<String> failures, SystemUnderTest system, String scenario, Step step) {
		if (step.lost() > 0 || step.delivered() < 0.9 * step.expected() || step.delivered() == 0) {
			failures.add(system.name() + " " + scenario + ": " + step.delivered() + " of " + step.expected()
					+ " delivered, " + step.lost() + " subscriptions lost");
		}
	}

	private Shape s1() {
		return new Shape("s1", 1, this.settings.fanOut(), false, true);
	}

	/**
	 * S2, the per-run token-stream pattern: the starter publishes to a topic without
	 * history, as token streams are declared.
	 */
	private Shape s2() {
		return new Shape("s2", this.settings.channels(), 1, true, false);
	}

	/**
	 * S2 with every message kept in the starter's channel history: what history costs.
	 */
	private Shape s2WithHistory() {
		return new Shape("s2h", this.settings.channels(), 1, true, true);
	}

	/**
	 * Run the scenarios, alternating between the systems. The knees and the latency at
	 * half the knee are measured in {@link #rounds} rounds that go through every system
	 * in turn; each figure is the best round of its system, and the row shows every
	 * round, so that a round that the machine slowed shows as such.
	 * @param load the load generator
	 * @param all the systems
	 * @param scenarios the scenarios to run
	 * @param directory where logs go
	 * @return the report
	 * @throws Exception when the harness fails
	 */
	String run(LoadGenerator load, List<SystemUnderTest> all, List<String> scenarios, Path directory) throws Exception {
		Scenarios runs = new Scenarios(load, this.settings, this.out);
		Map<String, Knee> s1 = new LinkedHashMap<>();
		Instant started = Instant.now();
		// the floor only holds idle responses open
		List<SystemUnderTest> systems = all.stream().filter((system) -> system.kind() != Kind.FLOOR).toList();
		for (String scenario : scenarios) {
			this.out.println("== " + scenario + " (" + Duration.between(started, Instant.now()).toSeconds() + " s)");
			switch (scenario) {
				case "s1", "s1ws" -> {
					boolean webSocket = scenario.equals("s1ws");
					Map<String, List<Knee>> knees = knees(systems, (system) -> runs.knee(system, s1(), webSocket));
					if (!webSocket) {
						knees.forEach((name, rounds) -> s1.put(name, best(rounds)));
					}
					ratios("S1 knee " + Scenarios.transport(webSocket),
							kneeRows("S1 knee " + Scenarios.transport(webSocket), systems, knees));
				}
				case "s2" -> {
					Map<String, List<Knee>> knees = knees(systems, (system) -> runs.knee(system, s2(), false));
					ratios("S2 knee sse", kneeRows("S2 knee sse", systems, knees));
				}
				case "s2h" -> {
					List<SystemUnderTest> starters = systems.stream()
						.filter((system) -> system.name().equals("starter"))
						.toList();
					Map<String, List<Knee>> knees = knees(starters,
							(system) -> runs.knee(system, s2WithHistory(), false));
					kneeRows("S2 knee sse, topic with history", starters, knees);
				}
				case "s3" -> halfKnee(runs, systems, s1);
				case "s4", "s4ws" -> {
					boolean webSocket = scenario.equals("s4ws");
					for (SystemUnderTest running : all) {
						if (webSocket && running.kind() == Kind.FLOOR) {
							continue;
						}
						// on a server of its own, whose heap the earlier scenarios
						// did not grow, so that its RSS counts what the connections
						// cost
						Idle idle;
						try (SystemUnderTest system = start(running.name(), directory.resolve(scenario), false,
								List.of())) {
							idle = runs.idle(system, this.settings.idle(), webSocket);
						}
						this.rows.put("S4 " + scenario + running.name(),
								String.format(Locale.ROOT, "S4 idle %s | %s | %d of %d open | heap %s | RSS %s | |",
										Scenarios.transport(webSocket), running.name(), idle.connected(), idle.count(),
										Scenarios.kb(idle.heapPerSubscription()),
										Scenarios.kb(idle.rssPerSubscription())));
					}
				}
				case "s5" -> redis(runs, directory, s1.get("starter"));
				default -> throw new IllegalArgumentException("Unknown scenario '" + scenario + "'");
			}
		}
		StringBuilder report = new StringBuilder();
		report.append("| figure | system | rate or state | p50 ms | p99 ms | p99.9 ms |\n");
		report.append("|---|---|---|---|---|---|\n");
		this.rows.values().forEach((row) -> report.append("| ").append(row).append('\n'));
		return report.toString();
	}

	private Map<String, List<Knee>> knees(List<SystemUnderTest> systems, KneeSearch search)
			throws InterruptedException {
		Map<String, List<Knee>> knees = new LinkedHashMap<>();
		for (int round = 1; round <= this.rounds; round++) {
			if (this.rounds > 1) {
				this.out.println("  round " + round + " of " + this.rounds);
			}
			for (SystemUnderTest system : systems) {
				knees.computeIfAbsent(system.name(), (name) -> new ArrayList<>()).add(search.knee(system));
			}
		}
		return knees;
	}

	private Map<String, Double> kneeRows(String figure, List<SystemUnderTest> systems, Map<String, List<Knee>> knees) {
		Map<String, Double> best = new LinkedHashMap<>();
		for (SystemUnderTest system : systems) {
			List<Knee> rounds = knees.get(system.name());
			best.put(system.name(), kneeRow(figure, system, best(rounds), rounds));
		}
		return best;
	}

	private static Knee best(List<Knee> rounds) {
		Knee best = rounds.get(0);
		for (Knee knee : rounds) {
			if (rate(knee) > rate(best)) {
				best = knee;
			}
		}
		return best;
	}

	private static double rate(Knee knee) {
		Step step = knee.knee();
		return (step != null) ? step.rate() : 0;
	}

	private double kneeRow(String figure, SystemUnderTest system, Knee knee, List<Knee> rounds) {
		Step step = knee.knee();
		if (step == null) {
			this.rows.put(figure + system.name(), figure + " | " + system.name() + " | none sustained | | | |");
			return 0;
		}
		String all = (rounds.size() > 1)
				? "rounds " + String.join(" / ",
						rounds.stream().map((round) -> String.format(Locale.ROOT, "%.0f", rate(round))).toList()) + "; "
				: "";
		this.rows.put(figure + system.name(),
				String.format(Locale.ROOT, "%s | %s | %.0f/s%s (%sserver %.2f cores, load %.2f) | %.2f | %.2f | %.2f |",
						figure, system.name(), step.rate(), knee.confirmed() ? "" : " unconfirmed", all,
						step.serverCpu(), step.loadCpu(), step.p50() / 1000.0, step.p99() / 1000.0,
						step.p999() / 1000.0));
		return step.rate();
	}

	/**
	 * S3: S1 at half of each system's best S1 knee, once per round; the row shows the
	 * round with the lower p99 and every round's p99.
	 */
	private void halfKnee(Scenarios runs, List<SystemUnderTest> systems, Map<String, Knee> s1)
			throws InterruptedException {
		Map<String, List<Step>> steps = new LinkedHashMap<>();
		for (int round = 1; round <= this.rounds; round++) {
			for (SystemUnderTest system : systems) {
				Knee knee = s1.get(system.name());
				Step kneeStep = (knee != null) ? knee.knee() : null;
				if (kneeStep != null) {
					steps.computeIfAbsent(system.name(), (name) -> new ArrayList<>())
						.add(runs.fixedRate(system, s1(), false, kneeStep.rate() / 2));
				}
			}
		}
		for (SystemUnderTest system : systems) {
			List<Step> rounds = steps.get(system.name());
			if (rounds == null) {
				this.rows.put("S3 " + system.name(),
						"S3 half knee sse | " + system.name() + " | no S1 knee to halve | | | |");
				continue;
			}
			Step best = rounds.stream().min((a, b) -> Long.compare(a.p99(), b.p99())).orElseThrow();
			String all = (rounds.size() > 1) ? " (p99 of the rounds " + String.join(" / ",
					rounds.stream().map((round) -> String.format(Locale.ROOT, "%.1f", round.p99() / 1000.0)).toList())
					+ " ms)" : "";
			this.rows.put("S3 " + system.name(),
					String.format(Locale.ROOT, "S3 half knee sse | %s | %.0f/s%s | %.2f | %.2f | %.2f |", system.name(),
							best.rate(), all, best.p50() / 1000.0, best.p99() / 1000.0, best.p999() / 1000.0));
		}
	}

	private void ratios(String figure, Map<String, Double> knees) {
		Double starter = knees.get("starter");
		if (starter == null) {
			return;
		}
		for (Map.Entry<String, Double> other : knees.entrySet()) {
			if (!other.getKey().equals("starter") && other.getValue() > 0) {
				this.rows.put(figure + " ratio " + other.getKey(), String.format(Locale.ROOT,
						"%s ratio | starter / %s | %.2f× | | | |", figure, other.getKey(), starter / other.getValue()));
			}
		}
	}

	private void redis(Scenarios runs, Path directory, @Nullable Knee memory) throws Exception {
		int redisPort = ServerProcess.freePort();
		List<ServerProcess> nodes = new ArrayList<>();
		try (ServerProcess redis = ServerProcess.redis(redisPort, directory.resolve("redis"))) {
			try {
				List<String> args = List.of("--realtime.engine.type=redis", "--realtime.token.secret=" + SHARED_SECRET,
						"--spring.data.redis.host=127.0.0.1", "--spring.data.redis.port=" + redisPort);
				for (int i = 0; i < 2; i++) {
					nodes.add(javaServer("starter-redis", StarterServer.class.getName(), directory, false, args));
				}
			}
			catch (IOException ex) {
				nodes.forEach(ServerProcess::close);
				String reason = ex.getMessage()
					.lines()
					.filter((line) -> line.contains("RealtimeEngine") || line.contains("engine"))
					.findFirst()
					.orElse(ex.getMessage().lines().findFirst().orElse("unknown"));
				this.out
					.println("  S5 skipped: the Redis engine is not available in this build (" + reason.trim() + ")");
				this.rows.put("S5",
						"S5 knee sse, Redis engine, two nodes | starter | not available in this build | | | |");
				return;
			}
			try (SystemUnderTest system = new SystemUnderTest("starter-redis", Kind.STARTER, nodes)) {
				Map<String, List<Knee>> knees = knees(List.of(system), (twoNodes) -> runs.knee(twoNodes, s1(), false));
				double rate = kneeRows("S5 knee sse, Redis engine, two nodes", List.of(system), knees)
					.get(system.name());
				if (memory != null && memory.knee() != null) {
					this.rows.put("S5 ratio", String.format(Locale.ROOT, "S5 ratio | redis / memory | %.2f× | | | |",
							rate / memory.knee().rate()));
				}
			}
		}
	}

	/**
	 * One knee search of one system.
	 */
	@FunctionalInterface
	private interface KneeSearch {

		Knee knee(SystemUnderTest system) throws InterruptedException;

	}

}
