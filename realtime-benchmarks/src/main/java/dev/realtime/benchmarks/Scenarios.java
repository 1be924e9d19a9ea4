package dev.realtime.benchmarks;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.HdrHistogram.Histogram;
import org.jspecify.annotations.Nullable;

/**
 * The measurements: the knee search (S1, S2, S5), a fixed rate (S3) and idle
 * subscriptions (S4).
 *
 * @author Realtime team
 * @since 0.1.0
 */
public final class Scenarios {

	/** The latency a sustained rate may not exceed at the 99th percentile. */
	static final long P99_LIMIT_MICROS = 50_000;

	/** The share of the offered deliveries that must arrive in time. */
	static final double DELIVERED_SHARE = 0.95;

	private static final AtomicInteger GENERATION = new AtomicInteger();

	/**
	 * How often the knee search halves the gap between its last good and failed rates.
	 */
	private static final int REFINEMENTS = 2;

	/** Publishes per second while warming up a server's publishing. */
	private static final double PUBLISH_WARMUP_RATE = 5_000;

	private final LoadGenerator load;

	private final Settings settings;

	private final PrintStream out;

	/**
	 * Create the scenarios.
	 * @param load the load generator
	 * @param settings sizes and durations
	 * @param out where progress goes
	 */
	public Scenarios(LoadGenerator load, Settings settings, PrintStream out) {
		this.load = load;
		this.settings = settings;
		this.out = out;
	}

	/**
	 * Find the highest delivery rate with a p99 latency of at most 50 ms at which all
	 * deliveries keep up, on a server that stays up and warm for the whole search: step
	 * the rate up by {@link Settings#factor()} until a step fails (or down until one
	 * passes), halve the gap between the last good and the failed rate twice, then
	 * confirm the best rate with a longer run (or 0.9 of it).
	 * @param system the system
	 * @param shape the channels and subscribers
	 * @param webSocket whether to subscribe over WebSocket
	 * @return the knee
	 * @throws InterruptedException when interrupted
	 */
	public Knee knee(SystemUnderTest system, Shape shape, boolean webSocket) throws InterruptedException {
		Warm warm = new Warm(system, shape, webSocket, open(system, shape, webSocket, shape.subscribers()));
		try {
			// warm-up, not judged: the JIT compiles the hot paths
			warmUpPublishing(system, shape, warm.open);
			step(system, shape, warm.open, this.settings.startRate(), this.settings.warmup(), "warm-up");
			return search(warm);
		}
		finally {
			warm.open.close();
		}
	}

	/**
	 * Find the knee as {@link #knee(SystemUnderTest, Shape, boolean)} does, on a server
	 * started for each step: it opens the subscriptions, runs
	 * {@link Settings#freshWarmup()} at the step's rate, not judged, then the step, and
	 * stops. What a user measures who starts a server and loads it at once.
	 * @param launcher starts the servers
	 * @param name the system to start
	 * @param shape the channels and subscribers
	 * @param webSocket whether to subscribe over WebSocket
	 * @return the knee
	 * @throws InterruptedException when interrupted
	 */
	public Knee freshKnee(SystemUnderTest.Launcher launcher, String name, Shape shape, boolean webSocket)
			throws InterruptedException {
		return search((rate, duration, label) -> fresh(launcher, name, shape, webSocket, rate, duration, label));
	}

	/**
	 * Run one step on a server started for it.
	 * @param launcher starts the server
	 * @param name the system to start
	 * @param shape the channels and subscribers
	 * @param webSocket whether to subscribe over WebSocket
	 * @param rate the deliveries per second
	 * @param duration how long
	 * @param label the label of the step
	 * @return the measurement
	 * @throws InterruptedException when interrupted
	 */
	public Step fresh(SystemUnderTest.Launcher launcher, String name, Shape shape, boolean webSocket, double rate,
			Duration duration, String label) throws InterruptedException {
		try (SystemUnderTest system = launcher.start(name);
				Open open = open(system, shape, webSocket, shape.subscribers())) {
			step(system, shape, open, rate, this.settings.freshWarmup(), "fresh warm-up");
			return step(system, shape, open, rate, duration, "fresh " + label);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot start " + name, ex);
		}
	}

	/**
	 * Step the rate up by {@link Settings#factor()} until a step fails (or down until one
	 * passes), halve the gap between the last good and the failed rate twice, then
	 * confirm the best rate with a longer run (or 0.9 of it).
	 */
	private Knee search(StepRunner runner) throws InterruptedException {
		List<Step> steps = new ArrayList<>();
		Step best = null;
		Step failed = null;
		double rate = this.settings.startRate();
		// up while steps pass; down from the start when the first one fails
		boolean up = true;
		while (rate <= this.settings.maxRate() && rate >= this.settings.startRate() / 16) {
			Step step = runner.run(rate, this.settings.step(), "step");
			steps.add(step);
			if (step.passed()) {
				best = step;
				if (!up) {
					break;
				}
				rate *= this.settings.factor();
			}
			else {
				failed = step;
				if (up && best != null) {
					break;
				}
				up = false;
				rate /= this.settings.factor();
			}
		}
		if (best == null) {
			return new Knee(null, steps, false);
		}
		if (failed != null) {
			// two halvings of the gap, so that a knee is known to about a tenth
			double low = best.offered();
			double high = failed.offered();
			for (int i = 0; i < REFINEMENTS; i++) {
				Step between = runner.run(Math.sqrt(low * high), this.settings.step(), "refine");
				steps.add(between);
				if (between.passed()) {
					best = between;
					low = between.offered();
				}
				else {
					high = between.offered();
				}
			}
		}
		for (double share : new double[] { 1.0, 0.9 }) {
			Step confirmed = runner.run(best.offered() * share, this.settings.measure(), "final");
			steps.add(confirmed);
			if (confirmed.passed()) {
				return new Knee(confirmed, steps, true);
			}
		}
		return new Knee(best, steps, false);
	}

	/**
	 * Measure latency at a fixed rate.
	 * @param system the system
	 * @param shape the channels and subscribers
	 * @param webSocket whether to subscribe over WebSocket
	 * @param rate the deliveries per second
	 * @return the measurement
	 * @throws InterruptedException when interrupted
	 */
	public Step fixedRate(SystemUnderTest system, Shape shape, boolean webSocket, double rate)
			throws InterruptedException {
		try (Open open = open(system, shape, webSocket, shape.subscribers())) {
			warmUpPublishing(system, shape, open);
			step(system, shape, open, rate, this.settings.warmup(), "warm-up");
			return step(system, shape, open, rate, this.settings.measure(), "fixed");
		}
	}

	/**
	 * Measure what streaming texts token by token costs: a run per channel streams tokens
	 * at a rate into the channel's stream topic, read by SSE subscribers.
	 * @param system the starter
	 * @param channels how many channels, each with its run
	 * @param perChannel subscribers of each channel
	 * @param rate tokens per second of each channel
	 * @param duration how long each run streams
	 * @return the measurement
	 * @throws InterruptedException when interrupted
	 */
	public TokenStream tokenStream(SystemUnderTest system, int channels, int perChannel, double rate, Duration duration)
			throws InterruptedException {
		Shape shape = new Shape("st", channels, perChannel, true, false, false);
		try (Open open = open(system, shape, false, shape.subscribers())) {
			// warm-up, not judged
			system.stream(this.load, open.prefix + "warm", channels, rate, this.settings.warmup());
			long allocatedBefore = system.allocatedBytes(this.load);
			double serverCpu = system.cpuSeconds();
			ServerProcess self = ServerProcess.inProcess("load", 0);
			double loadCpu = self.cpuSeconds();
			long tokens = system.stream(this.load, open.prefix, channels, rate, duration);
			Thread.sleep(this.settings.grace().toMillis());
			long allocatedAfter = system.allocatedBytes(this.load);
			TokenStream result = new TokenStream(tokens, system.cpuSeconds() - serverCpu, self.cpuSeconds() - loadCpu,
					(allocatedBefore >= 0 && allocatedAfter >= 0) ? allocatedAfter - allocatedBefore : -1, open.lost());
			this.out.printf(Locale.ROOT, "  %-8s st      %d tokens, cpu server %.1f µs/token, load %.1f µs/token%n",
					system.name(), tokens, result.serverMicrosPerToken(), result.loadMicrosPerToken());
			return result;
		}
	}

	/**
	 * Measure the memory idle subscriptions take.
	 * @param system the system
	 * @param count how many subscriptions
	 * @param webSocket whether to subscribe over WebSocket
	 * @return the measurement
	 * @throws InterruptedException when interrupted
	 */
	public Idle idle(SystemUnderTest system, int count, boolean webSocket) throws InterruptedException {
		Shape shape = new Shape("s4", Math.max(1, count / 10), 10, false, true, false);
		// what the first subscriptions cost once (classes loaded, code compiled, buffers
		// pooled, heap grown) is not what each one costs: open and close a tenth of them
		// before the readings
		try (Open warmUp = open(system, shape, webSocket, Math.max(1, count / 10))) {
			Thread.sleep(this.settings.grace().toMillis());
		}
		Thread.sleep(this.settings.grace().toMillis() * 2);
		long heapBefore = system.hasHeap() ? system.heap(this.load) : 0;
		Map<String, long[]> histogramBefore = histogram(system);
		long rssBefore = system.rssBytes();
		try (Open open = open(system, shape, webSocket, count)) {
			Thread.sleep(this.settings.grace().toMillis() * 2);
			long heapAfter = system.hasHeap() ? system.heap(this.load) : 0;
			Map<String, long[]> histogramAfter = histogram(system);
			if (histogramBefore != null && histogramAfter != null) {
				printGrowth(histogramBefore, histogramAfter, count);
			}
			long rssAfter = system.rssBytes();
			long connected = open.deliveries.connected() - open.deliveries.failed() - open.deliveries.closed();
			Idle idle = new Idle(count, connected, system.hasHeap() ? (heapAfter - heapBefore) / count : -1,
					(rssAfter - rssBefore) / count);
			this.out.printf(Locale.ROOT, "  %-8s %-4s idle %d: %d open, heap %s/sub, RSS %s/sub%n", system.name(),
					transport(webSocket), count, connected, kb(idle.heapPerSubscription()),
					kb(idle.rssPerSubscription()));
			return idle;
		}
		finally {
			Thread.sleep(this.settings.grace().toMillis() * 2);
		}
	}

	private @Nullable Map<String, long[]> histogram(SystemUnderTest system) throws InterruptedException {
		if (!system.hasHeap() || !this.settings.histogram()) {
			return null;
		}
		try {
			return system.node().classHistogram();
		}
		catch (IOException ex) {
			this.out.println("  no class histogram: " + ex.getMessage());
			return null;
		}
	}

	/**
	 * Print the classes whose live bytes grew the most, per subscription.
	 */
	private void printGrowth(Map<String, long[]> before, Map<String, long[]> after, int count) {
		this.out.printf(Locale.ROOT, "  %10s %10s  %s%n", "bytes/sub", "inst/sub", "class (growth after GC)");
		after.entrySet().stream().map((entry) -> {
			long[] was = before.getOrDefault(entry.getKey(), new long[2]);
			return Map.entry(entry.getKey(), new long[] { entry.getValue()[0] - was[0], entry.getValue()[1] - was[1] });
		})
			.sorted(Comparator.comparingLong((Map.Entry<String, long[]> entry) -> entry.getValue()[1]).reversed())
			.limit(40)
			.forEach((entry) -> this.out.printf(Locale.ROOT, "  %10.1f %10.2f  %s%n",
					entry.getValue()[1] / (double) count, entry.getValue()[0] / (double) count, entry.getKey()));
	}

	private Open reopenIfLost(SystemUnderTest system, Shape shape, boolean webSocket, Open open)
			throws InterruptedException {
		if (open.lost() == 0) {
			return open;
		}
		open.close();
		Thread.sleep(1000);
		return open(system, shape, webSocket, shape.subscribers());
	}

	private Open open(SystemUnderTest system, Shape shape, boolean webSocket, int count) throws InterruptedException {
		String prefix = shape.name() + "-" + GENERATION.incrementAndGet() + "-";
		Deliveries deliveries = new Deliveries();
		LoadGenerator.Subscriptions subscriptions = this.load.open(count, (i) -> system.subscription(this.load,
				prefix + (i % shape.channels()), webSocket, shape.queryToken(), i), deliveries);
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		while (deliveries.connected() + deliveries.failed() + deliveries.closed() < count
				&& System.nanoTime() < deadline) {
			Thread.sleep(50);
		}
		Thread.sleep(this.settings.grace().toMillis());
		Open open = new Open(prefix, subscriptions, deliveries);
		if (deliveries.connected() < count || open.lost() > 0) {
			this.out.printf(Locale.ROOT, "  %-8s %-4s opened %d of %d subscriptions, %d failed%n", system.name(),
					transport(webSocket), deliveries.connected(), count, open.lost());
		}
		return open;
	}

	/**
	 * Publish over HTTP to a channel nobody subscribes to, for every system alike. A
	 * fan-out shape publishes only a few messages per second, too few for the JIT to
	 * compile a Java server's request handling within the warm-up step; without this the
	 * figures would measure interpreted publishing rather than delivery.
	 */
	private void warmUpPublishing(SystemUnderTest system, Shape shape, Open open) {
		if (shape.inProcess() && system.drives()) {
			return;
		}
		Duration duration = this.settings.publishWarmup();
		if (!duration.isZero()) {
			this.load.publish(system.node().port(), PUBLISH_WARMUP_RATE, duration,
					(sequence) -> system.publishPath(open.prefix + "warm", shape.history()));
		}
	}

	private Step step(SystemUnderTest system, Shape shape, Open open, double offered, Duration duration, String label)
			throws InterruptedException {
		// deliveries per publish: every subscriber of one channel
		double perPublish = (double) open.subscriptions.size() / shape.channels();
		double publishRate = offered / perPublish;
		long lostBefore = open.lost();
		long allocatedBefore = system.allocatedBytes(this.load);
		double serverCpu = system.cpuSeconds();
		ServerProcess self = ServerProcess.inProcess("load", 0);
		double loadCpu = self.cpuSeconds();
		open.deliveries.reset();
		long startMillis = System.currentTimeMillis();
		long start = System.nanoTime();
		long published;
		if (shape.inProcess() && system.drives()) {
			published = system.drive(this.load, open.prefix, shape.channels(), publishRate, duration, shape.history());
		}
		else {
			published = this.load.publish(system.node().port(), publishRate, duration,
					(sequence) -> system.publishPath(open.prefix + (sequence % shape.channels()), shape.history()));
		}
		Thread.sleep(this.settings.grace().toMillis());
		double elapsed = (System.nanoTime() - start) / 1e9;
		long delivered = open.deliveries.delivered();
		Histogram latencies = open.deliveries.latencies();
		double serverCpuSeconds = system.cpuSeconds() - serverCpu;
		double loadCpuSeconds = self.cpuSeconds() - loadCpu;
		long allocatedAfter = system.allocatedBytes(this.load);
		GcLog.Pauses gc = system.gcPauses(startMillis, System.currentTimeMillis());
		double seconds = duration.toMillis() / 1000.0;
		Step step = new Step(offered, published, delivered, seconds, latencies, open.lost() - lostBefore,
				serverCpuSeconds / elapsed, loadCpuSeconds / elapsed, (long) (perPublish * published),
				new Records(serverCpuSeconds, loadCpuSeconds,
						(allocatedBefore >= 0 && allocatedAfter >= 0) ? allocatedAfter - allocatedBefore : -1, gc));
		this.out.printf(Locale.ROOT,
				"  %-8s %-4s %-7s offered %9.0f/s delivered %9.0f/s (%d of %d) p50 %7.2f p99 %7.2f p99.9 %7.2f ms"
						+ " lost %d cpu server %.2f load %.2f %s%n",
				system.name(), shape.name(), label, offered, step.rate(), delivered, step.expected(),
				step.p50() / 1000.0, step.p99() / 1000.0, step.p999() / 1000.0, step.lost(), step.serverCpu(),
				step.loadCpu(), step.passed() ? "ok" : "FAIL");
		this.out.printf(Locale.ROOT, "  %-8s %-4s %-7s %s%n", "", "", "", step.records().describe(delivered));
		return step;
	}

	static String transport(boolean webSocket) {
		return webSocket ? "ws" : "sse";
	}

	static String kb(long bytes) {
		return (bytes < 0) ? "n/a" : String.format(Locale.ROOT, "%.1f KB", bytes / 1024.0);
	}

	/**
	 * Runs one step of a knee search.
	 */
	@FunctionalInterface
	private interface StepRunner {

		Step run(double rate, Duration duration, String label) throws InterruptedException;

	}

	/**
	 * The steps of a search on one server, which stays warm: the subscriptions stay open,
	 * and are opened again only when some were lost.
	 */
	private final class Warm implements StepRunner {

		private final SystemUnderTest system;

		private final Shape shape;

		private final boolean webSocket;

		private Open open;

		Warm(SystemUnderTest system, Shape shape, boolean webSocket, Open open) {
			this.system = system;
			this.shape = shape;
			this.webSocket = webSocket;
			this.open = open;
		}

		@Override
		public Step run(double rate, Duration duration, String label) throws InterruptedException {
			this.open = reopenIfLost(this.system, this.shape, this.webSocket, this.open);
			return step(this.system, this.shape, this.open, rate, duration, label);
		}

	}

	/**
	 * Open subscriptions of one measurement.
	 */
	private static final class Open implements AutoCloseable {

		private final String prefix;

		private final LoadGenerator.Subscriptions subscriptions;

		private final Deliveries deliveries;

		Open(String prefix, LoadGenerator.Subscriptions subscriptions, Deliveries deliveries) {
			this.prefix = prefix;
			this.subscriptions = subscriptions;
			this.deliveries = deliveries;
		}

		long lost() {
			return this.deliveries.failed() + this.deliveries.closed();
		}

		@Override
		public void close() {
			this.subscriptions.close();
		}

	}

	/**
	 * What streaming texts cost.
	 *
	 * @param tokens the tokens published
	 * @param serverCpuSeconds the CPU time of the server's processes
	 * @param loadCpuSeconds the CPU time of the load generator
	 * @param allocatedBytes the bytes the server allocated, or -1 when unknown
	 * @param lost subscriptions that failed or closed
	 */
	public record TokenStream(long tokens, double serverCpuSeconds, double loadCpuSeconds, long allocatedBytes,
			long lost) {

		double serverMicrosPerToken() {
			return (this.tokens > 0) ? this.serverCpuSeconds * 1e6 / this.tokens : 0;
		}

		double loadMicrosPerToken() {
			return (this.tokens > 0) ? this.loadCpuSeconds * 1e6 / this.tokens : 0;
		}

		long bytesPerToken() {
			return (this.tokens > 0 && this.allocatedBytes >= 0) ? this.allocatedBytes / this.tokens : -1;
		}

	}

	/**
	 * Sizes and durations of the scenarios.
	 *
	 * @param warmup the unjudged run before a search
	 * @param publishWarmup how long to publish to a channel without subscribers first
	 * @param step one step of the knee search
	 * @param measure a final figure
	 * @param grace how long deliveries may trail the end of publishing, and subscriptions
	 * settle
	 * @param startRate the first rate of the knee search, deliveries per second
	 * @param factor the growth of the rate between steps
	 * @param maxRate the highest rate tried
	 * @param fanOut S1: subscribers of the one channel
	 * @param channels S2: channels of one subscriber each
	 * @param idle S4: idle subscriptions
	 * @param histogram whether S4 prints the class histogram of the Java servers
	 * @param freshWarmup the unjudged run at a step's rate on a server started for the
	 * step
	 */
	public record Settings(Duration warmup, Duration publishWarmup, Duration step, Duration measure, Duration grace,
			double startRate, double factor, double maxRate, int fanOut, int channels, int idle, boolean histogram,
			Duration freshWarmup) {

		/**
		 * The sizes of the issue: 2,000 subscribers, 2,000 channels, 10,000 idle
		 * subscriptions.
		 * @param step the duration of a search step
		 * @param measure the duration of a final figure
		 * @return the settings
		 */
		public static Settings full(Duration step, Duration measure) {
			return new Settings(Duration.ofSeconds(8), Duration.ofSeconds(4), step, measure, Duration.ofSeconds(1),
					5_000, 1.5, 1_000_000, 2000, 2000, 10_000, false, Duration.ofSeconds(5));
		}

		/**
		 * Return these settings with another first rate of the knee search.
		 * @param rate deliveries per second
		 * @return the settings
		 */
		public Settings startingAt(double rate) {
			return new Settings(this.warmup, this.publishWarmup, this.step, this.measure, this.grace, rate, this.factor,
					this.maxRate, this.fanOut, this.channels, this.idle, this.histogram, this.freshWarmup);
		}

		/**
		 * Return these settings with another number of subscribers in S1, S3 and S5.
		 * @param subscribers subscribers of the one channel
		 * @return the settings
		 */
		public Settings withFanOut(int subscribers) {
			return new Settings(this.warmup, this.publishWarmup, this.step, this.measure, this.grace, this.startRate,
					this.factor, this.maxRate, subscribers, this.channels, this.idle, this.histogram, this.freshWarmup);
		}

		/**
		 * Return these settings printing the class histogram of the Java servers in S4.
		 * @return the settings
		 */
		public Settings withHistogram() {
			return new Settings(this.warmup, this.publishWarmup, this.step, this.measure, this.grace, this.startRate,
					this.factor, this.maxRate, this.fanOut, this.channels, this.idle, true, this.freshWarmup);
		}

		/**
		 * Return these settings with another warm-up of the servers started for each
		 * step.
		 * @param warmup the unjudged run at the step's rate
		 * @return the settings
		 */
		public Settings withFreshWarmup(Duration warmup) {
			return new Settings(this.warmup, this.publishWarmup, this.step, this.measure, this.grace, this.startRate,
					this.factor, this.maxRate, this.fanOut, this.channels, this.idle, this.histogram, warmup);
		}

		/**
		 * A few seconds in all: proves the harness works.
		 * @return the settings
		 */
		public static Settings smoke() {
			return new Settings(Duration.ofMillis(300), Duration.ZERO, Duration.ofMillis(500), Duration.ofMillis(500),
					Duration.ofMillis(300), 400, 2, 400, 20, 20, 50, false, Duration.ofMillis(300));
		}

	}

	/**
	 * Channels and subscribers of a scenario.
	 *
	 * @param name the scenario
	 * @param channels how many channels
	 * @param perChannel subscribers of each
	 * @param inProcess whether the Java servers publish inside their process
	 * @param history whether the starter keeps the messages in its channel history (its
	 * {@code tick} topic) or not (its {@code token} topic)
	 * @param queryToken whether the starter's SSE subscriptions send their token as the
	 * {@code token} query parameter instead of in the {@code Authorization} header
	 */
	public record Shape(String name, int channels, int perChannel, boolean inProcess, boolean history,
			boolean queryToken) {

		int subscribers() {
			return this.channels * this.perChannel;
		}

		/**
		 * Return this shape publishing to the starter's topic with or without history.
		 * @param history whether the topic keeps history
		 * @return the shape
		 */
		public Shape withHistory(boolean history) {
			return new Shape(this.name, this.channels, this.perChannel, this.inProcess, history, this.queryToken);
		}

		/**
		 * Return this shape with the starter's SSE token in the query or the header.
		 * @param queryToken whether the token goes in the query
		 * @return the shape
		 */
		public Shape withQueryToken(boolean queryToken) {
			return new Shape(this.name, this.channels, this.perChannel, this.inProcess, this.history, queryToken);
		}

	}

	/**
	 * One run at a fixed offered rate.
	 *
	 * @param offered the offered deliveries per second
	 * @param published the messages published
	 * @param delivered the deliveries received within a second after publishing ended
	 * @param seconds how long publishing lasted
	 * @param latencies publish to receive latencies in microseconds
	 * @param lost subscriptions that failed or ended
	 * @param serverCpu CPU cores the server used
	 * @param loadCpu CPU cores the load generator used
	 * @param expected the deliveries the published messages make
	 * @param records what the server and the load generator spent on it
	 */
	public record Step(double offered, long published, long delivered, double seconds, Histogram latencies, long lost,
			double serverCpu, double loadCpu, long expected, Records records) {

		/**
		 * Return the delivered rate.
		 * @return deliveries per second
		 */
		public double rate() {
			return this.delivered / this.seconds;
		}

		/**
		 * Whether the system sustained the offered rate.
		 * @return {@code true} when it kept up with a p99 of at most 50 ms
		 */
		public boolean passed() {
			return this.lost == 0 && this.delivered >= DELIVERED_SHARE * this.offered * this.seconds
					&& this.latencies.getTotalCount() > 0 && p99() <= P99_LIMIT_MICROS;
		}

		long p50() {
			return this.latencies.getValueAtPercentile(50);
		}

		long p99() {
			return this.latencies.getValueAtPercentile(99);
		}

		long p999() {
			return this.latencies.getValueAtPercentile(99.9);
		}

	}

	/**
	 * What one run cost, so that a figure can be explained.
	 *
	 * @param serverCpuSeconds CPU time of the server's processes (every node, and for
	 * nginx its workers) from {@code /proc/<pid>/stat}
	 * @param loadCpuSeconds CPU time of the load generator's process
	 * @param allocatedBytes heap allocated by the Java server's threads
	 * ({@code GET /bench/allocated}), -1 when unknown
	 * @param gc the Java server's stop-the-world pauses that ended during the run, from
	 * its GC log; {@code null} when it has none
	 */
	public record Records(double serverCpuSeconds, double loadCpuSeconds, long allocatedBytes,
			GcLog.@Nullable Pauses gc) {

		/**
		 * Return the server's CPU time per delivery.
		 * @param delivered the deliveries
		 * @return microseconds, 0 without deliveries
		 */
		public double serverMicrosPerDelivery(long delivered) {
			return (delivered > 0) ? this.serverCpuSeconds * 1e6 / delivered : 0;
		}

		/**
		 * Return the load generator's CPU time per delivery.
		 * @param delivered the deliveries
		 * @return microseconds, 0 without deliveries
		 */
		public double loadMicrosPerDelivery(long delivered) {
			return (delivered > 0) ? this.loadCpuSeconds * 1e6 / delivered : 0;
		}

		/**
		 * Return the heap the server allocated per delivery.
		 * @param delivered the deliveries
		 * @return bytes, -1 when unknown
		 */
		public double allocatedPerDelivery(long delivered) {
			return (this.allocatedBytes >= 0 && delivered > 0) ? (double) this.allocatedBytes / delivered : -1;
		}

		/**
		 * Describe the records of a run.
		 * @param delivered the run's deliveries
		 * @return one line
		 */
		public String describe(long delivered) {
			return String.format(Locale.ROOT, "per delivery: server %.2f µs cpu, load %.2f µs cpu, %s; GC %s",
					serverMicrosPerDelivery(delivered), loadMicrosPerDelivery(delivered), allocation(delivered),
					(this.gc != null) ? this.gc : "n/a");
		}

		/**
		 * Describe the allocation per delivery.
		 * @param delivered the deliveries
		 * @return bytes allocated, or {@code alloc n/a}
		 */
		public String allocation(long delivered) {
			double perDelivery = allocatedPerDelivery(delivered);
			return (perDelivery < 0) ? "alloc n/a" : String.format(Locale.ROOT, "alloc %.0f B", perDelivery);
		}

	}

	/**
	 * The result of a knee search.
	 *
	 * @param knee the step at the highest sustained rate, {@code null} when none was
	 * sustained
	 * @param steps every step
	 * @param confirmed whether the longer run confirmed the rate; when not, the knee is
	 * the best short step
	 */
	public record Knee(@Nullable Step knee, List<Step> steps, boolean confirmed) {
	}

	/**
	 * Memory of idle subscriptions.
	 *
	 * @param count the subscriptions opened
	 * @param connected the subscriptions open when measured
	 * @param heapPerSubscription heap bytes per subscription after a full collection, -1
	 * when unknown
	 * @param rssPerSubscription resident bytes per subscription
	 */
	public record Idle(int count, long connected, long heapPerSubscription, long rssPerSubscription) {
	}

}
