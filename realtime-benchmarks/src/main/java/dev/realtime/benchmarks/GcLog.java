package dev.realtime.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.management.ObjectName;

/**
 * Reads the stop-the-world pauses of a Java server from the JVM's unified logging,
 * written with {@link #jvmOption(Path)}: the {@code gc} and {@code gc+phases} tags, which
 * between them name every pause of G1, Parallel, Serial, Shenandoah and (generational)
 * ZGC with its duration, each line stamped with the wall-clock time it was written, so
 * that the pauses of one step can be cut out of a server's whole life.
 * <p>
 * Unified logging rather than Flight Recorder's {@code jdk.GarbageCollection}: the JVM
 * writes and flushes a line per pause as it happens, for any collector, with no recording
 * to start, dump with {@code jcmd} and parse per step, and no recorder's own threads and
 * allocation in the server being measured.
 *
 * @author Realtime team
 * @since 0.1.0
 */
public final class GcLog {

	/** What unified logging writes: the two tag sets, wall-clock milliseconds. */
	static final String WHAT = "gc,gc+phases";

	static final String DECORATORS = "timemillis,uptime,tags";

	/**
	 * A pause line: {@code [0.519s][1796419255653ms][gc ] GC(0) Pause Young (Normal) (G1
	 * Evacuation Pause) 6M->3M(66M) 7.695ms}, or for ZGC
	 * {@code [gc,phases] GC(0) Y: Pause
	 * Mark Start (Major) 0.025ms}.
	 */
	private static final Pattern PAUSE = Pattern
		.compile("^\\[[^]]*]\\[(\\d+)ms].*? GC\\(\\d+\\) (?:[A-Za-z]: )?(Pause .*?) (\\d+(?:\\.\\d+)?)ms$");

	private GcLog() {
	}

	/**
	 * Return the JVM option that writes the log this class reads.
	 * @param file the log file, never rotated
	 * @return the {@code -Xlog} option
	 */
	public static String jvmOption(Path file) {
		return "-Xlog:" + WHAT + ":file=" + file + ":" + DECORATORS + ":filecount=0";
	}

	/**
	 * Start writing the log from this JVM, as {@link #jvmOption(Path)} would have from
	 * its start: for a server that runs inside the load generator's process.
	 * @param file the log file
	 */
	public static void startInThisJvm(Path file) {
		try {
			ManagementFactory.getPlatformMBeanServer()
				.invoke(new ObjectName("com.sun.management:type=DiagnosticCommand"), "vmLog",
						new Object[] { new String[] { "output=file=" + file, "output_options=filecount=0",
								"what=" + WHAT, "decorators=" + DECORATORS } },
						new String[] { String[].class.getName() });
		}
		catch (Exception ex) {
			throw new IllegalStateException("Cannot start the GC log of this JVM: " + ex, ex);
		}
	}

	/**
	 * Read every pause of a log.
	 * @param file the log written with {@link #jvmOption(Path)}
	 * @return the pauses in the order they ended; none when the file does not exist yet
	 * @throws IllegalStateException when a line names a pause that cannot be read, so
	 * that a changed log format fails loudly instead of reading as no pauses
	 */
	public static List<Pause> read(Path file) {
		List<String> lines;
		try {
			lines = Files.readAllLines(file, StandardCharsets.UTF_8);
		}
		catch (NoSuchFileException ex) {
			return List.of();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		List<Pause> pauses = new ArrayList<>();
		for (int i = 0; i < lines.size(); i++) {
			String line = lines.get(i);
			if (!line.contains(" Pause ")) {
				continue;
			}
			Matcher matcher = PAUSE.matcher(line);
			if (!matcher.matches()) {
				// the last line may be half written
				if (i == lines.size() - 1) {
					continue;
				}
				throw new IllegalStateException("Unreadable pause in " + file + " line " + (i + 1) + ": " + line);
			}
			pauses.add(new Pause(Long.parseLong(matcher.group(1)), Double.parseDouble(matcher.group(3)),
					matcher.group(2)));
		}
		return pauses;
	}

	/**
	 * Summarize the pauses that ended in a time window.
	 * @param pauses the pauses
	 * @param fromMillis the start of the window, epoch milliseconds
	 * @param toMillis the end of the window, epoch milliseconds
	 * @return the summary
	 */
	public static Pauses between(List<Pause> pauses, long fromMillis, long toMillis) {
		double[] millis = pauses.stream()
			.filter((pause) -> pause.endMillis() >= fromMillis && pause.endMillis() <= toMillis)
			.mapToDouble(Pause::millis)
			.sorted()
			.toArray();
		return new Pauses(millis.length, percentile(millis, 50), percentile(millis, 99),
				(millis.length > 0) ? millis[millis.length - 1] : 0, Arrays.stream(millis).sum());
	}

	/**
	 * The nearest-rank percentile: a pause that happened.
	 */
	private static double percentile(double[] sorted, double percentile) {
		if (sorted.length == 0) {
			return 0;
		}
		int rank = (int) Math.ceil(percentile / 100 * sorted.length);
		return sorted[Math.max(0, rank - 1)];
	}

	/**
	 * One stop-the-world pause.
	 *
	 * @param endMillis the wall-clock time it was logged, when it ended, in epoch
	 * milliseconds
	 * @param millis its duration
	 * @param kind what the log calls it, such as
	 * {@code Pause Young (Normal) (G1 Evacuation
	 * Pause) 6M->3M(66M)}
	 */
	public record Pause(long endMillis, double millis, String kind) {
	}

	/**
	 * The pauses of a window.
	 *
	 * @param count how many
	 * @param p50 the median pause in milliseconds (nearest rank)
	 * @param p99 the 99th percentile in milliseconds (nearest rank)
	 * @param max the longest in milliseconds
	 * @param total their sum in milliseconds
	 */
	public record Pauses(int count, double p50, double p99, double max, double total) {

		@Override
		public String toString() {
			return String.format(Locale.ROOT, "%d pauses p50 %.1f p99 %.1f max %.1f ms", this.count, this.p50, this.p99,
					this.max);
		}

	}

}
