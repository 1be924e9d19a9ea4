package dev.realtime.benchmarks;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Summarizes the CPU samples of a Flight Recording ({@code jdk.ExecutionSample}): the
 * methods on top of the stack, and the share of samples that pass through each of a few
 * frames of interest (encoding, flushing, the engine, the load of the event loop).
 *
 * @author Realtime team
 * @since 0.1.0
 */
public final class JfrSummary {

	private static final List<String> OF_INTEREST = List.of("dev.realtime.engine.memory.InMemoryEngine",
			"dev.realtime.delivery.LocalFanOut", "dev.realtime.delivery.ChannelStream",
			"dev.realtime.server.MessageFrames", "reactor.core.publisher.FluxFlatMap",
			"reactor.core.publisher.FluxMerge", "reactor.core.publisher.SinkManyUnicast",
			"reactor.netty.channel.MonoSendMany", "io.netty.channel.AbstractChannelHandlerContext.flush",
			"io.netty.channel.nio.NioEventLoop.select", "sun.nio.ch.SocketDispatcher.write",
			"sun.nio.ch.FileDispatcherImpl.write", "io.netty.channel.epoll", "dev.realtime.benchmarks");

	private JfrSummary() {
	}

	/**
	 * Print the summary.
	 * @param args the recording file and optionally how many top methods to list
	 * @throws IOException when the recording cannot be read
	 */
	public static void main(String[] args) throws IOException {
		int top = (args.length > 1) ? Integer.parseInt(args[1]) : 25;
		Map<String, Integer> topFrames = new HashMap<>();
		Map<String, Integer> through = new HashMap<>();
		int samples = 0;
		for (RecordedEvent event : RecordingFile.readAllEvents(Path.of(args[0]))) {
			if (!event.getEventType().getName().equals("jdk.ExecutionSample")) {
				continue;
			}
			RecordedStackTrace stack = event.getStackTrace();
			if (stack == null || stack.getFrames().isEmpty()) {
				continue;
			}
			samples++;
			topFrames.merge(name(stack.getFrames().get(0)), 1, Integer::sum);
			for (String interest : OF_INTEREST) {
				if (stack.getFrames().stream().anyMatch((frame) -> name(frame).startsWith(interest))) {
					through.merge(interest, 1, Integer::sum);
				}
			}
		}
		int total = Math.max(1, samples);
		System.out.println(samples + " CPU samples. Top of stack:");
		topFrames.entrySet()
			.stream()
			.sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
			.limit(top)
			.forEach((entry) -> System.out.printf("%6.1f%%  %s%n", 100.0 * entry.getValue() / total, entry.getKey()));
		System.out.println("Samples passing through:");
		through.entrySet()
			.stream()
			.sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
			.forEach((entry) -> System.out.printf("%6.1f%%  %s%n", 100.0 * entry.getValue() / total, entry.getKey()));
	}

	private static String name(RecordedFrame frame) {
		return frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
	}

}
