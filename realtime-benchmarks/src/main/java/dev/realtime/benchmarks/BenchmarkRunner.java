package dev.realtime.benchmarks;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.DoubleSummaryStatistics;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

import dev.realtime.benchmarks.Scenarios.Idle;
import dev.realtime.benchmarks.Scenarios.Knee;
import dev.realtime.benchmarks.Scenarios.Settings;
import dev.realtime.benchmarks.Scenarios.Shape;
import dev.realtime.benchmarks.Scenarios.Step;
import dev.realtime.benchmarks.SystemUnderTest.Kind;
import dev.realtime.benchmarks.SystemUnderTest.Launcher;
import dev.realtime.benchmarks.baseline.BaselineServer;
import dev.realtime.benchmarks.emitter.EmitterServer;
import dev.realtime.benchmarks.floor.FloorServer;
import dev.realtime.benchmarks.starter.StarterServer;
import org.jspecify.annotations.Nullable;

/**
 * Runs the scenarios against the starter, the hand-written baseline and Nchan (and on
 * request the starter on Spring MVC, {@code starter-mvc}, and the hand-written Spring MVC
 * baseline, {@code sseemitter}), each its own process on 127.0.0.1, alternating between
 * them, and prints the figures and ratios as Markdown; {@code --rounds 2} (the default)
 * measures every knee twice, going through all the systems each round, and
 * {@code --repeat 3} three times with the median as the figure. {@code --jvm fresh}
 * searches knees on a server started for each step, {@code --history} and {@code --token}
 * choose the starter's topic and how its SSE subscriptions send their token.
 * {@code --smoke} runs every scenario for a moment at a tiny size and exits non-zero when
 * one fails.
 *
 * @author Realtime team
 * @since 0.1.0
 */
public final class BenchmarkRunner {

	private static final String SECRET = "realtime-benchmarks-shared-secret-0123456789";

	/** The nodes of S5 verify each other's tokens. */
	private static final String SHARED_SECRET = "base64:" + java.util.Base64.getEncoder()
		.encodeToString("realtime-benchmarks-shared-secret!".getBytes(java.nio.charset.StandardCharsets.UTF_8));

	private static final List<String> ALL_SCENARIOS = List.of("s1", "s1ws", "s2", "s2h", "s3", "s4", "s4ws", "s5",
			"st");

	/** Token streams: channels, each with a run streaming its text. */
	private static final int TOKEN_STREAMS = 200;

	/** Token streams: tokens per second of each channel. */
	private static final int TOKENS_PER_SECOND = 50;

	/** The starter's server on Spring MVC and Tomcat. */
	private static final String STARTER_MVC = "starter-mvc";

	/** The hand-written Spring MVC baseline. */
	private static final String SSE_EMITTER = "sseemitter";

	/**
	 * The starter built from another commit, from the class path in
	 * {@link #STARTER_BEFORE_CLASSPATH}.
	 */
	private static final String STARTER_BEFORE = "starter-before";

	private static final String STARTER_BEFORE_CLASSPATH = "STARTER_BEFORE_CLASSPATH";

	/**
	 * The starter with Actuator, a Prometheus registry and the realtime meters and
	 * observations, scraped every {@link #SCRAPE_INTERVAL}: the cost of metrics.
	 */
	private static final String STARTER_METRICS = "starter-metrics";

	/** The class path of Actuator and the Prometheus registry, which run.sh sets. */
	private static final String METRICS_CLASSPATH = "METRICS_CLASSPATH";

	/** Three times as often as Prometheus scrapes by default. */
	private static final Duration SCRAPE_INTERVAL = Duration.ofSeconds(5);

	/**
	 * Further Spring Boot arguments of the hand-written Spring MVC baseline: the Servlet
	 * API does not tell it when a client leaves (its heartbeat finds out within 30 s), so
	 * a graceful shutdown would wait its 30 s for the subscriptions the load generator
	 * just closed, where the runner stops a server after 10 s.
	 */
	static final List<String> SSE_EMITTER_ARGS = List.of("--server.shutdown=immediate");

	private final Settings settings;

	private final int rounds;

	private final boolean median;

	private final Variants variants;

	private final PrintStream out;

	private final Launcher launcher;

	private final Map<String, String> rows = new LinkedHashMap<>();

	private final List<String> records = new ArrayList<>();

	/** Knees already measured, by system and what of the variant applies to it. */
	private final Map<String, List<Knee>> measured = new LinkedHashMap<>();

	/**
	 * Create a runner.
	 * @param settings sizes and durations
	 * @param rounds how many times each knee is searched
	 * @param median whether a figure is the median round (else the best)
	 * @param variants the JVM modes, topics and token placements to measure
	 * @param out where progress goes
	 * @param launcher starts a system for a run of its own (S4, the fresh JVM mode)
	 */
	BenchmarkRunner(Settings settings, int rounds, boolean median, Variants variants, PrintStream out,
			Launcher launcher) {
		this.settings = settings;
		this.rounds = rounds;
		this.median = median;
		this.variants = variants;
		this.out = out;
		this.launcher = launcher;
	}

	/**
	 * Run the benchmarks.
	 * @param args {@code --smoke},
	 * {@code --systems starter,baseline,nchan[,floor,starter-mvc,sseemitter,starter-before,starter-metrics]},
	 * {@code --scenarios s1,s1ws,s2,s3,s4,s4ws,s5,st}, {@code --step-seconds 5},
	 * {@code --final-seconds 15}, {@code --start-rate 10000}, {@code --rounds 2},
	 * {@code --repeat 3}, {@code --jvm warm|fresh|both}, {@code --warmup-seconds 5},
	 * {@code --history on|off|both}, {@code --token header|query|both}, {@code --jfr},
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
		if (options.containsKey("warmup-seconds")) {
			settings = settings.withFreshWarmup(Duration.ofSeconds(Long.parseLong(options.get("warmup-seconds"))));
		}
		Variants variants = Variants.of(options.getOrDefault("jvm", "warm"), options.getOrDefault("history", "on"),
				options.getOrDefault("token", "header"));
		List<String> systems = List.of(options.getOrDefault("systems", "starter,baseline,nchan").split(","));
		List<String> scenarios = List.of(options.getOrDefault("scenarios", String.join(",", ALL_SCENARIOS)).split(","));
		Path directory = Files.createTempDirectory("realtime-benchmarks");
		boolean median = options.containsKey("repeat");
		int rounds = smoke ? 1 : Integer.parseInt(median ? options.get("repeat") : options.getOrDefault("rounds", "2"));
		boolean jfr = options.containsKey("jfr");
		List<SystemUnderTest> started = new ArrayList<>();
		Set<SystemUnderTest> fresh = ConcurrentHashMap.newKeySet();
		// stop the servers when the run is interrupted too
		Runtime.getRuntime().addShutdownHook(new Thread(() -> {
			started.forEach(SystemUnderTest::close);
			fresh.forEach(SystemUnderTest::close);
		}));
		Launcher launcher = (name) -> {
			SystemUnderTest system = start(name, directory.resolve("fresh"), jfr, List.of());
			fresh.add(system);
			return system;
		};
		BenchmarkRunner runner = new BenchmarkRunner(settings, rounds, median, variants, System.out, launcher);
		int status;
		try (LoadGenerator load = new LoadGenerator(Integer.parseInt(options.getOrDefault("threads", "2")), 12_000)) {
			for (String system : systems) {
				started.add(start(system, directory, jfr, List.of()));
			}
			if (options.containsKey("fixed-rate")) {
				// one S1 (or S2) measurement per system at a given rate, to compare
				// changes
				runner.fixedRate(load, started, "s2".equals(options.get("shape")), options.containsKey("ws"),
						Double.parseDouble(options.get("fixed-rate")));
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
			fresh.forEach(SystemUnderTest::close);
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
	 * @param name {@code starter}, {@code baseline}, {@code nchan}, {@code floor},
	 * {@code starter-mvc} (the starter's server on Spring MVC and Tomcat) or
	 * {@code sseemitter} (the hand-written Spring MVC baseline)
	 * @param directory where logs go
	 * @param jfr whether to record the Java server with Flight Recorder
	 * @param extraArgs further Spring Boot arguments of the starter's nodes
	 * @return the started system
	 * @throws IOException when it cannot be started
	 */
	static SystemUnderTest start(String name, Path directory, boolean jfr, List<String> extraArgs) throws IOException {
		return switch (name) {
			case "starter" ->
				javaSystem(name, Kind.STARTER, StarterServer.class, directory, jfr, WebStack.REACTIVE, extraArgs);
			case "baseline" ->
				javaSystem(name, Kind.BASELINE, BaselineServer.class, directory, jfr, WebStack.REACTIVE, List.of());
			case "nchan" -> new SystemUnderTest(name, Kind.NCHAN,
					List.of(ServerProcess.nchan(ServerProcess.freePort(), directory.resolve("nchan"))));
			case "floor" ->
				javaSystem(name, Kind.FLOOR, FloorServer.class, directory, jfr, WebStack.REACTIVE, List.of());
			// the same application, channel and endpoints as the starter, on Spring MVC
			case STARTER_MVC ->
				javaSystem(name, Kind.STARTER, StarterServer.class, directory, jfr, WebStack.SERVLET, extraArgs);
			case SSE_EMITTER ->
				javaSystem(name, Kind.EMITTER, EmitterServer.class, directory, jfr, WebStack.SERVLET, SSE_EMITTER_ARGS);
			// the starter as another build made it, to compare a change in one run
			case STARTER_BEFORE -> new SystemUnderTest(name, Kind.STARTER, List.of(javaServer(name,
					StarterServer.class.getName(), beforeClasspath(), directory, jfr, WebStack.REACTIVE, extraArgs)));
			case STARTER_METRICS -> {
				List<String> args = new ArrayList<>(extraArgs);
				args.add("--management.endpoints.web.exposure.include=prometheus");
				ServerProcess node = javaServer(name, StarterServer.class.getName(),
						System.getProperty("java.class.path") + ":" + requiredEnvironment(METRICS_CLASSPATH), directory,
						jfr, WebStack.REACTIVE, args);
				PrometheusScraper.start(node, SCRAPE_INTERVAL);
				yield new SystemUnderTest(name, Kind.STARTER, List.of(node));
			}
			default -> throw new IllegalArgumentException("Unknown system '" + name + "'");
		};
	}

	private static SystemUnderTest javaSystem(String name, Kind kind, Class<?> mainClass, Path directory, boolean jfr,
			WebStack stack, List<String> extraArgs) throws IOException {
		return new SystemUnderTest(name, kind,
				List.of(javaServer(name, mainClass.getName(), directory, jfr, stack, extraArgs)));
	}

	private static String beforeClasspath() {
		return requiredEnvironment(STARTER_BEFORE_CLASSPATH);
	}

	private static String requiredEnvironment(String variable) {
		String classpath = System.getenv(variable);
		if (classpath == null || classpath.isBlank()) {
			throw new IllegalArgumentException(
					"The class path in the environment variable " + variable + " is not set");
		}
		return classpath;
	}

	private static ServerProcess javaServer(String name, String mainClass, Path directory, boolean jfr, WebStack stack,
			List<String> extraArgs) throws IOException {
		return javaServer(name, mainClass, System.getProperty("java.class.path"), directory, jfr, stack, extraArgs);
	}

	private static ServerProcess javaServer(String name, String mainClass, String classpath, Path directory,
			boolean jfr, WebStack stack, List<String> extraArgs) throws IOException {
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
		args.addAll(stack.args());
		args.addAll(extraArgs);
		return ServerProcess.java(name + "-" + port, mainClass, classpath, port, directory, jvm, args,
				directory.resolve(name + "-" + port + "-gc.log"));
	}

	/**
	 * One S1 (or S2) measurement per system at a given rate, in the first of the
	 * variants' topics and token placements, on the running servers and, with
	 * {@code --jvm fresh}, on a server started for it.
	 */
	void fixedRate(LoadGenerator load, List<SystemUnderTest> systems, boolean s2, boolean webSocket, double rate)
			throws InterruptedException {
		Scenarios scenarios = new Scenarios(load, this.settings, this.out);
		Variant variant = this.variants.all(webSocket, !s2).get(0);
		Shape shape = variant.apply(s2 ? s2() : s1(), !s2);
		for (Jvm jvm : this.variants.jvms()) {
			for (SystemUnderTest system : systems) {
				if (webSocket && !system.webSocket()) {
					this.out.println("  " + system.name() + ": no WebSocket, not measured");
					continue;
				}
				if (jvm == Jvm.WARM) {
					scenarios.fixedRate(system, shape, webSocket, rate);
				}
				else {
					scenarios.fresh(this.launcher, system.name(), shape, webSocket, rate, this.settings.measure(),
							"fixed");
				}
			}
		}
	}

	/**
	 * Run every scenario at a tiny size, and once each what the options add: a knee
	 * search repeated twice with the median as the figure (on the topic without history,
	 * the SSE token in the query), one on servers started for each step, and the records
	 * of every run (CPU from {@code /proc}, allocation, GC pauses from the log).
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
			List<Knee> rounds = new ArrayList<>();
			for (int round = 0; round < 2; round++) {
				rounds.add(scenarios.knee(system, s1().withHistory(false).withQueryToken(true), false));
			}
			Knee median = figure(rounds, true);
			this.out.printf(Locale.ROOT, "  %s S1 sse knee, median of 2: %.0f/s%n", system.name(), rate(median));
			rounds.forEach((knee) -> knee.steps()
				.forEach((step) -> check(failures, system, "S1 sse knee, history off, token in query", step)));
			Knee fresh = scenarios.freshKnee(this.launcher, system.name(), s1(), false);
			for (Step step : fresh.steps()) {
				check(failures, system, "S1 sse knee, fresh JVM", step);
				checkRecords(failures, system, "S1 sse knee, fresh JVM", step);
			}
			for (boolean webSocket : new boolean[] { false, true }) {
				if (webSocket && !system.webSocket()) {
					this.out.println("  " + system.name() + ": no WebSocket, S1 ws and S4 ws skipped");
					continue;
				}
				if (webSocket) {
					check(failures, system, "S1 ws", scenarios.fixedRate(system, s1(), true, rate));
				}
				Idle idle = scenarios.idle(system, this.settings.idle(), webSocket);
				if (idle.connected() != idle.count()) {
					failures.add(system.name() + " S4 " + Scenarios.transport(webSocket) + ": " + idle.connected()
							+ " of " + idle.count() + " idle subscriptions open");
				}
			}
			Step s2 = scenarios.fixedRate(system, s2(), false, rate);
			check(failures, system, "S2", s2);
			checkRecords(failures, system, "S2", s2);
			if (system.cpuSeconds() <= 0) {
				failures.add(system.name() + ": no CPU time read from /proc");
			}
			if (system.hasHeap()) {
				// S4 collected garbage with System.gc(): the log must show it
				GcLog.Pauses pauses = system.gcPauses(0, Long.MAX_VALUE);
				if (pauses == null || pauses.count() == 0) {
					failures.add(system.name() + ": " + ((pauses != null) ? "no pause in the GC log" : "no GC log"));
				}
			}
		}
		return failures;
	}

	private static void check(List<String> failures, SystemUnderTest system, String scenario, Step step) {
		if (step.lost() > 0 || step.delivered() < 0.9 * step.expected() || step.delivered() == 0) {
			failures.add(system.name() + " " + scenario + ": " + step.delivered() + " of " + step.expected()
					+ " delivered, " + step.lost() + " subscriptions lost");
		}
	}

	private static void checkRecords(List<String> failures, SystemUnderTest system, String scenario, Step step) {
		Scenarios.Records records = step.records();
		if (records.serverCpuSeconds() < 0 || records.loadCpuSeconds() < 0) {
			failures.add(system.name() + " " + scenario + ": negative CPU time " + records);
		}
		if (system.hasHeap() && (records.allocatedBytes() <= 0 || records.gc() == null)) {
			failures.add(system.name() + " " + scenario + ": no allocation or GC records " + records);
		}
	}

	private Shape s1() {
		return new Shape("s1", 1, this.settings.fanOut(), false, true, false);
	}

	/**
	 * S2, the per-run token-stream pattern: the starter publishes to a topic without
	 * history, as token streams are declared.
	 */
	/**
	 * Stream texts token by token into stream topics, each chunk on its own and with the
	 * chunks coalesced, each on a server of its own: the CPU per token they cost.
	 */
	private void tokenStreams(Scenarios runs, Path directory) throws Exception {
		for (String coalesce : List.of("0s", "25ms")) {
			List<String> args = List.of("--realtime.streams.coalesce=" + coalesce,
					"--realtime.runs.threads=" + (TOKEN_STREAMS + 8),
					"--realtime.runs.queue-capacity=" + (2 * TOKEN_STREAMS));
			Scenarios.TokenStream stream;
			try (SystemUnderTest system = start("starter", directory.resolve("st-" + coalesce), false, args)) {
				stream = runs.tokenStream(system, TOKEN_STREAMS, 1, TOKENS_PER_SECOND, this.settings.measure());
			}
			long bytes = stream.bytesPerToken();
			this.rows.put("ST " + coalesce, String.format(Locale.ROOT,
					"Token streams sse, %d channels × 1, %d tokens/s each, coalesce %s | starter | %d tokens, %d lost"
							+ " | %.1f µs CPU/token | load generator %.1f µs/token | %s allocated/token |",
					TOKEN_STREAMS, TOKENS_PER_SECOND, coalesce, stream.tokens(), stream.lost(),
					stream.serverMicrosPerToken(), stream.loadMicrosPerToken(), (bytes >= 0) ? bytes + " B" : "–"));
		}
	}

	private Shape s2() {
		return new Shape("s2", this.settings.channels(), 1, true, false, false);
	}

	/**
	 * S2 with every message kept in the starter's channel history: what history costs.
	 */
	private Shape s2WithHistory() {
		return new Shape("s2h", this.settings.channels(), 1, true, true, false);
	}

	/**
	 * Run the scenarios, alternating between the systems. The knees and the latency at
	 * half the knee are measured in {@link #rounds} rounds that go through every system
	 * in turn; each figure is the best round of its system (with {@code --repeat}, the
	 * median round), and the row shows every round, so that a round that the machine
	 * slowed shows as such. The knees are measured in every variant (warmed or fresh JVM,
	 * the starter's topic with or without history, its SSE token in the header or the
	 * query) the options ask for; S3 and S5 in the first.
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
					List<Variant> variants = this.variants.all(webSocket, true);
					List<SystemUnderTest> serving = webSocket
							? systems.stream().filter(SystemUnderTest::webSocket).toList() : systems;
					for (Variant variant : variants) {
						String figure = "S1 knee " + Scenarios.transport(webSocket)
								+ this.variants.label(variant, webSocket, true);
						Map<String, Knee> knees = kneeRows(figure, serving,
								knees(runs, serving, scenario, variant, variant.apply(s1(), true), webSocket));
						notAvailable(figure, systems, serving);
						if (!webSocket && variant.equals(variants.get(0))) {
							s1.putAll(knees);
						}
						ratios(figure, knees);
					}
				}
				case "s2" -> {
					for (Variant variant : this.variants.all(false, false)) {
						String figure = "S2 knee sse" + this.variants.label(variant, false, false);
						ratios(figure, kneeRows(figure, systems,
								knees(runs, systems, scenario, variant, variant.apply(s2(), false), false)));
					}
				}
				case "s2h" -> {
					// the starter's, on WebFlux and on Spring MVC: only they have topics
					List<SystemUnderTest> starters = systems.stream()
						.filter((system) -> system.kind() == Kind.STARTER)
						.toList();
					for (Variant variant : this.variants.all(false, false)) {
						kneeRows("S2 knee sse, topic with history" + this.variants.label(variant, false, false),
								starters,
								knees(runs, starters, scenario, variant, variant.apply(s2WithHistory(), false), false));
					}
				}
				case "s3" -> halfKnee(runs, systems, s1);
				case "s4", "s4ws" -> {
					boolean webSocket = scenario.equals("s4ws");
					for (SystemUnderTest running : all) {
						if (webSocket && running.kind() == Kind.FLOOR) {
							continue;
						}
						if (webSocket && !running.webSocket()) {
							notAvailable("S4 idle ws", List.of(running), List.of());
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
				case "st" -> tokenStreams(runs, directory);
				default -> throw new IllegalArgumentException("Unknown scenario '" + scenario + "'");
			}
		}
		StringBuilder report = new StringBuilder();
		report.append("| figure | system | rate or state | p50 ms | p99 ms | p99.9 ms |\n");
		report.append("|---|---|---|---|---|---|\n");
		this.rows.values().forEach((row) -> report.append("| ").append(row).append('\n'));
		if (!this.records.isEmpty()) {
			report.append("\nPer run: the figure's run of every round (for a knee its confirming run, or its best step"
					+ " when unconfirmed); CPU per delivery of the server's processes and of the load generator,"
					+ " heap allocated per delivery, stop-the-world pauses that ended during the run.\n\n");
			report.append("| figure | system | round | rate | server µs/delivery | load µs/delivery"
					+ " | alloc B/delivery | GC pauses | GC p50 ms | GC p99 ms | GC max ms |\n");
			report.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
			this.records.forEach((row) -> report.append("| ").append(row).append(" |\n"));
		}
		return report.toString();
	}

	/**
	 * Search the knees of the systems, {@link #rounds} times in turn. A system the
	 * variant does not change (only the starter has topics and tokens) keeps the knees
	 * measured for an earlier variant with the same JVM mode.
	 */
	private Map<String, List<Knee>> knees(Scenarios runs, List<SystemUnderTest> systems, String scenario,
			Variant variant, Shape shape, boolean webSocket) throws InterruptedException {
		Map<String, List<Knee>> knees = new LinkedHashMap<>();
		List<SystemUnderTest> toMeasure = new ArrayList<>();
		for (SystemUnderTest system : systems) {
			List<Knee> known = this.measured.get(key(system, scenario, variant));
			if (known != null) {
				knees.put(system.name(), known);
			}
			else {
				toMeasure.add(system);
			}
		}
		for (int round = 1; round <= this.rounds && !toMeasure.isEmpty(); round++) {
			if (this.rounds > 1) {
				this.out.println("  round " + round + " of " + this.rounds + variant);
			}
			for (SystemUnderTest system : toMeasure) {
				Knee knee = (variant.jvm() == Jvm.WARM) ? runs.knee(system, shape, webSocket)
						: runs.freshKnee(this.launcher, system.name(), shape, webSocket);
				knees.computeIfAbsent(system.name(), (name) -> new ArrayList<>()).add(knee);
			}
		}
		for (SystemUnderTest system : toMeasure) {
			this.measured.put(key(system, scenario, variant), knees.get(system.name()));
		}
		return knees;
	}

	private static String key(SystemUnderTest system, String scenario, Variant variant) {
		return system.name() + " " + scenario + " "
				+ ((system.kind() == Kind.STARTER) ? variant.toString() : variant.jvm().toString());
	}

	private Map<String, Knee> kneeRows(String figure, List<SystemUnderTest> systems, Map<String, List<Knee>> knees) {
		Map<String, Knee> figures = new LinkedHashMap<>();
		for (SystemUnderTest system : systems) {
			List<Knee> rounds = knees.get(system.name());
			Knee knee = figure(rounds, this.median);
			kneeRow(figure, system, knee, rounds);
			for (int i = 0; i < rounds.size(); i++) {
				record(figure, system.name(), i + 1, rounds.get(i).knee());
			}
			figures.put(system.name(), knee);
		}
		return figures;
	}

	/**
	 * Return the figure of the rounds: the best, or the median; of an even number of
	 * rounds the lower of the two in the middle, so that a figure is always a measured
	 * round.
	 * @param rounds the knees of the rounds
	 * @param median whether to take the median
	 * @return the knee that is the figure
	 */
	static Knee figure(List<Knee> rounds, boolean median) {
		if (median) {
			List<Knee> sorted = rounds.stream().sorted(Comparator.comparingDouble(BenchmarkRunner::rate)).toList();
			return sorted.get((sorted.size() - 1) / 2);
		}
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

	private void kneeRow(String figure, SystemUnderTest system, Knee knee, List<Knee> rounds) {
		Step step = knee.knee();
		if (step == null) {
			this.rows.put(figure + system.name(), figure + " | " + system.name() + " | none sustained | | | |");
			return;
		}
		String all = (rounds.size() > 1)
				? "rounds " + String.join(" / ",
						rounds.stream().map((round) -> String.format(Locale.ROOT, "%.0f", rate(round))).toList()) + "; "
				: "";
		String spread = "";
		if (this.median) {
			DoubleSummaryStatistics rates = rounds.stream().mapToDouble(BenchmarkRunner::rate).summaryStatistics();
			spread = String.format(Locale.ROOT, " median of %d (min–max %.0f–%.0f, spread %.0f %%)", rounds.size(),
					rates.getMin(), rates.getMax(),
					(step.rate() > 0) ? 100 * (rates.getMax() - rates.getMin()) / step.rate() : 0);
		}
		this.rows.put(figure + system.name(), String.format(Locale.ROOT,
				"%s | %s | %.0f/s%s%s (%sserver %.2f cores, load %.2f) | %.2f | %.2f | %.2f |", figure, system.name(),
				step.rate(), knee.confirmed() ? "" : " unconfirmed", spread, all, step.serverCpu(), step.loadCpu(),
				step.p50() / 1000.0, step.p99() / 1000.0, step.p999() / 1000.0));
	}

	private void record(String figure, String system, int round, @Nullable Step step) {
		if (step == null) {
			this.records
				.add(String.format(Locale.ROOT, "%s | %s | %d | none sustained | | | | | | |", figure, system, round));
			return;
		}
		Scenarios.Records records = step.records();
		GcLog.Pauses gc = records.gc();
		double allocated = records.allocatedPerDelivery(step.delivered());
		this.records.add(String.format(Locale.ROOT, "%s | %s | %d | %.0f/s | %.2f | %.2f | %s | %s | %s | %s | %s",
				figure, system, round, step.rate(), records.serverMicrosPerDelivery(step.delivered()),
				records.loadMicrosPerDelivery(step.delivered()),
				(allocated < 0) ? "n/a" : String.format(Locale.ROOT, "%.0f", allocated),
				(gc != null) ? String.valueOf(gc.count()) : "n/a", millis(gc, GcLog.Pauses::p50),
				millis(gc, GcLog.Pauses::p99), millis(gc, GcLog.Pauses::max)));
	}

	private static String millis(GcLog.@Nullable Pauses gc, ToDoubleFunction<GcLog.Pauses> value) {
		return (gc != null) ? String.format(Locale.ROOT, "%.1f", value.applyAsDouble(gc)) : "n/a";
	}

	/**
	 * S3: S1 at half of each system's S1 knee, once per round; the row shows the round
	 * with the lower p99 and every round's p99.
	 */
	private void halfKnee(Scenarios runs, List<SystemUnderTest> systems, Map<String, Knee> s1)
			throws InterruptedException {
		Map<String, List<Step>> steps = new LinkedHashMap<>();
		Shape shape = this.variants.all(false, true).get(0).apply(s1(), true);
		for (int round = 1; round <= this.rounds; round++) {
			for (SystemUnderTest system : systems) {
				Knee knee = s1.get(system.name());
				Step kneeStep = (knee != null) ? knee.knee() : null;
				if (kneeStep != null) {
					steps.computeIfAbsent(system.name(), (name) -> new ArrayList<>())
						.add(runs.fixedRate(system, shape, false, kneeStep.rate() / 2));
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
			for (int i = 0; i < rounds.size(); i++) {
				record("S3 half knee sse", system.name(), i + 1, rounds.get(i));
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

	/**
	 * The ratios of a figure: the starter's knee over every other system's but the
	 * starter on Spring MVC, then the knee of the starter on Spring MVC over the
	 * starter's on WebFlux and over the hand-written Spring MVC baseline's.
	 */
	private void ratios(String figure, Map<String, Knee> knees) {
		Knee starter = knees.get("starter");
		if (starter != null) {
			for (Map.Entry<String, Knee> other : knees.entrySet()) {
				if (!other.getKey().equals("starter") && !other.getKey().equals(STARTER_MVC)
						&& rate(other.getValue()) > 0) {
					this.rows.put(figure + " ratio " + other.getKey(),
							String.format(Locale.ROOT, "%s ratio | starter / %s | %.2f×%s | | | |", figure,
									other.getKey(), rate(starter) / rate(other.getValue()),
									this.median ? " (of the medians)" : ""));
				}
			}
		}
		Knee mvc = knees.get(STARTER_MVC);
		if (mvc == null) {
			return;
		}
		for (String other : List.of("starter", SSE_EMITTER)) {
			Knee knee = knees.get(other);
			if (knee != null && rate(knee) > 0) {
				this.rows.put(figure + " ratio " + STARTER_MVC + " " + other,
						String.format(Locale.ROOT, "%s ratio | %s / %s | %.2f×%s | | | |", figure, STARTER_MVC, other,
								rate(mvc) / rate(knee), this.median ? " (of the medians)" : ""));
			}
		}
	}

	/**
	 * Add a row for each system that a figure leaves out because it does not serve the
	 * scenario's transport.
	 */
	private void notAvailable(String figure, List<SystemUnderTest> systems, List<SystemUnderTest> serving) {
		for (SystemUnderTest system : systems) {
			if (!serving.contains(system)) {
				this.out.println("  " + figure + ": " + system.name() + " serves no WebSocket, not measured");
				this.rows.put(figure + system.name(),
						figure + " | " + system.name() + " | not available: no WebSocket | | | |");
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
					nodes.add(javaServer("starter-redis", StarterServer.class.getName(), directory, false,
							WebStack.REACTIVE, args));
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
				Variant first = this.variants.all(false, true).get(0);
				// the two nodes stay up: S5 is measured warm
				Variant warm = new Variant(Jvm.WARM, first.history(), first.queryToken());
				Map<String, Knee> knees = kneeRows("S5 knee sse, Redis engine, two nodes", List.of(system),
						knees(runs, List.of(system), "s5", warm, warm.apply(s1(), true), false));
				double rate = rate(knees.get(system.name()));
				if (memory != null && memory.knee() != null) {
					this.rows.put("S5 ratio", String.format(Locale.ROOT, "S5 ratio | redis / memory | %.2f× | | | |",
							rate / memory.knee().rate()));
				}
			}
		}
	}

	/**
	 * The web stack of a Java server. With both spring-webflux and spring-webmvc on the
	 * class path, Spring Boot would start every server as a servlet application, so each
	 * one is told which it is.
	 */
	enum WebStack {

		/**
		 * WebFlux on Reactor Netty: the starter, the baseline, the floor and the Redis
		 * nodes, as they always ran.
		 */
		REACTIVE(List.of("--spring.main.web-application-type=reactive")),

		/**
		 * Spring MVC on Tomcat: {@code starter-mvc} and {@code sseemitter}. Tomcat's
		 * defaults are tuned for short requests; these settings let it hold as many idle
		 * connections as the scenarios open, and no more than that is changed. Its thread
		 * pool keeps its defaults (200 at most): an SSE response is async and holds no
		 * thread while open, and the load generator has at most 64 publishes in flight.
		 */
		SERVLET(List.of("--spring.main.web-application-type=servlet",
				// S4 holds 10,000 idle subscriptions after opening and closing 1,000
				// (whose end Tomcat may notice late), the load generator up to 12,000:
				// beyond Tomcat's default of 8,192 connections the rest would wait
				"--server.tomcat.max-connections=15000",
				// the load generator opens 256 connections at a time; Tomcat's default
				// backlog is 100, where Reactor Netty asks for the kernel's somaxconn
				// (4,096 on this machine)
				"--server.tomcat.accept-count=4096",
				// the publishers' pooled connections stay open, as on Reactor Netty,
				// instead of being closed after Tomcat's default of 100 requests
				"--server.tomcat.max-keep-alive-requests=-1",
				// the async responses of the bench endpoints (POST /bench/drive
				// answers when its run ends, after --final-seconds) are not cut at
				// Tomcat's 30 s; the SSE responses of both servers set none themselves
				"--spring.mvc.async.request-timeout=1h"));

		private final List<String> args;

		WebStack(List<String> args) {
			this.args = args;
		}

		/**
		 * Return the Spring Boot arguments of a server on this stack.
		 * @return the arguments
		 */
		List<String> args() {
			return this.args;
		}

	}

	/**
	 * Whether a server runs the whole knee search or is started for each step.
	 */
	enum Jvm {

		/** One server for the whole search, after a warm-up. */
		WARM,

		/** A server started for each step, with {@link Settings#freshWarmup()}. */
		FRESH

	}

	/**
	 * One way to measure a knee.
	 *
	 * @param jvm whether the server stays warm
	 * @param history whether the starter publishes to its topic with history
	 * @param queryToken whether the starter's SSE token goes in the query
	 */
	record Variant(Jvm jvm, boolean history, boolean queryToken) {

		Shape apply(Shape shape, boolean ownHistory) {
			Shape topic = ownHistory ? shape.withHistory(this.history) : shape;
			return topic.withQueryToken(this.queryToken);
		}

		@Override
		public String toString() {
			return ", " + this.jvm.name().toLowerCase(Locale.ROOT) + " JVM, history " + (this.history ? "on" : "off")
					+ ", token in " + (this.queryToken ? "query" : "header");
		}

	}

	/**
	 * The variants the options ask for.
	 *
	 * @param jvms warm, fresh or both
	 * @param histories on, off or both
	 * @param queryTokens header, query or both
	 */
	record Variants(List<Jvm> jvms, List<Boolean> histories, List<Boolean> queryTokens) {

		/** What measures as before these options. */
		static final Variants DEFAULT = new Variants(List.of(Jvm.WARM), List.of(true), List.of(false));

		static Variants of(String jvm, String history, String token) {
			return new Variants(choice("jvm", jvm, "warm", "fresh", Jvm.WARM, Jvm.FRESH),
					choice("history", history, "on", "off", true, false),
					choice("token", token, "header", "query", false, true));
		}

		private static <T> List<T> choice(String option, String value, String first, String second, T one, T two) {
			if (value.equals(first)) {
				return List.of(one);
			}
			if (value.equals(second)) {
				return List.of(two);
			}
			if (value.equals("both")) {
				return List.of(one, two);
			}
			throw new IllegalArgumentException(
					"--" + option + " is " + first + ", " + second + " or both, not '" + value + "'");
		}

		/**
		 * Return the variants of a scenario.
		 * @param webSocket whether it subscribes over WebSocket, whose token goes in its
		 * first frame
		 * @param ownTopic whether its topic follows {@code --history} (S2 and S2h have
		 * their own)
		 */
		List<Variant> all(boolean webSocket, boolean ownTopic) {
			List<Variant> all = new ArrayList<>();
			for (Jvm jvm : this.jvms) {
				for (boolean history : ownTopic ? this.histories : List.of(true)) {
					for (boolean query : webSocket ? List.of(false) : this.queryTokens) {
						all.add(new Variant(jvm, history, query));
					}
				}
			}
			return all;
		}

		/**
		 * Return what a figure's name adds for a variant: each choice that differs from
		 * the default or that the options make more than one of.
		 */
		String label(Variant variant, boolean webSocket, boolean ownTopic) {
			StringBuilder label = new StringBuilder();
			if (this.jvms.size() > 1 || variant.jvm() != Jvm.WARM) {
				label.append((variant.jvm() == Jvm.WARM) ? ", warmed JVM" : ", fresh JVM");
			}
			if (ownTopic && (this.histories.size() > 1 || !variant.history())) {
				label.append(variant.history() ? ", history on" : ", history off");
			}
			if (!webSocket && (this.queryTokens.size() > 1 || variant.queryToken())) {
				label.append(variant.queryToken() ? ", token in query" : ", token in header");
			}
			return label.toString();
		}

	}

}
