package dev.realtime.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;

/**
 * A server under test: a child process of the runner (a JVM, nginx, Redis) or the
 * runner's own process. Reads CPU time and resident memory from {@code /proc}.
 *
 * @author Realtime team
 * @since 0.1.0
 */
public final class ServerProcess implements AutoCloseable {

	private static final long TICKS_PER_SECOND = 100;

	private final String name;

	private final int port;

	private final @Nullable Process process;

	private final @Nullable Path log;

	private final @Nullable Path gcLog;

	private final @Nullable Runnable stop;

	private ServerProcess(String name, int port, @Nullable Process process, @Nullable Path log, @Nullable Path gcLog,
			@Nullable Runnable stop) {
		this.name = name;
		this.port = port;
		this.process = process;
		this.log = log;
		this.gcLog = gcLog;
		this.stop = stop;
	}

	/**
	 * Describe a server running in this process.
	 * @param name the name
	 * @param port its port
	 * @return the server
	 */
	public static ServerProcess inProcess(String name, int port) {
		return new ServerProcess(name, port, null, null, null, null);
	}

	/**
	 * Describe a server running in this process, with a GC log and a way to stop it.
	 * @param name the name
	 * @param port its port
	 * @param gcLog the GC log this process writes (see {@link GcLog#startInThisJvm}), or
	 * {@code null}
	 * @param stop stops the server on {@link #close()}
	 * @return the server
	 */
	public static ServerProcess inProcess(String name, int port, @Nullable Path gcLog, Runnable stop) {
		return new ServerProcess(name, port, null, null, gcLog, stop);
	}

	/**
	 * Start a JVM running a main class from this process's class path, and wait for its
	 * port.
	 * @param name the name
	 * @param mainClass the main class
	 * @param classpath its class path
	 * @param port the port it listens on
	 * @param directory where its log goes
	 * @param jvmOptions options of the JVM
	 * @param args its arguments
	 * @param gcLog the GC log it writes, {@link GcLog#jvmOption(Path)} added to the
	 * options
	 * @return the started server
	 * @throws IOException when it cannot be started
	 */
	static ServerProcess java(String name, String mainClass, String classpath, int port, Path directory,
			List<String> jvmOptions, List<String> args, Path gcLog) throws IOException {
		List<String> command = new ArrayList<>();
		command.add(ProcessHandle.current().info().command().orElse("java"));
		command.addAll(jvmOptions);
		command.add(GcLog.jvmOption(gcLog));
		command.add("-cp");
		command.add(classpath);
		command.add(mainClass);
		command.addAll(args);
		return start(name, port, directory, command, gcLog);
	}

	/**
	 * Start nginx with Nchan on 127.0.0.1: publish on {@code POST /pub/<channel>},
	 * subscribe with SSE or WebSocket on {@code /sub/<channel>}.
	 * @param port the port
	 * @param directory its configuration, logs and temporary files
	 * @return the started server
	 * @throws IOException when it cannot be started
	 */
	static ServerProcess nchan(int port, Path directory) throws IOException {
		String conf = """
				load_module /usr/lib/nginx/modules/ngx_nchan_module.so;
				daemon off;
				worker_processes auto;
				worker_rlimit_nofile 40000;
				pid %1$s/nginx.pid;
				error_log %1$s/error.log warn;
				events {
					worker_connections 30000;
				}
				http {
					access_log off;
					client_body_temp_path %1$s/body;
					proxy_temp_path %1$s/proxy;
					fastcgi_temp_path %1$s/fastcgi;
					uwsgi_temp_path %1$s/uwsgi;
					scgi_temp_path %1$s/scgi;
					nchan_max_reserved_memory 256M;
					server {
						listen 127.0.0.1:%2$d;
						location ~ ^/pub/(.+)$ {
							nchan_publisher;
							nchan_channel_id $1;
							nchan_message_buffer_length 5;
							nchan_message_timeout 30s;
						}
						location ~ ^/sub/(.+)$ {
							nchan_subscriber eventsource websocket;
							nchan_channel_id $1;
						}
					}
				}
				""".formatted(directory, port);
		Files.createDirectories(directory);
		Path file = directory.resolve("nginx.conf");
		Files.writeString(file, conf);
		return start("nchan", port, directory,
				List.of("/usr/sbin/nginx", "-p", directory.toString(), "-c", file.toString()), null);
	}

	/**
	 * Start a Redis server on 127.0.0.1 without persistence.
	 * @param port the port
	 * @param directory its working directory
	 * @return the started server
	 * @throws IOException when it cannot be started
	 */
	static ServerProcess redis(int port, Path directory) throws IOException {
		return start("redis", port, directory, List.of("redis-server", "--bind", "127.0.0.1", "--port",
				String.valueOf(port), "--save", "", "--appendonly", "no", "--dir", directory.toString()), null);
	}

	private static ServerProcess start(String name, int port, Path directory, List<String> command,
			@Nullable Path gcLog) throws IOException {
		Files.createDirectories(directory);
		Path log = directory.resolve(name + ".log");
		Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
		ServerProcess server = new ServerProcess(name, port, process, log, gcLog, null);
		server.awaitPort(Duration.ofSeconds(90));
		return server;
	}

	private void awaitPort(Duration timeout) throws IOException {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (System.nanoTime() < deadline) {
			if (this.process != null && !this.process.isAlive()) {
				throw new IOException(this.name + " exited with " + this.process.exitValue() + ":\n" + tail(40));
			}
			try (Socket socket = new Socket()) {
				socket.connect(new InetSocketAddress("127.0.0.1", this.port), 200);
				return;
			}
			catch (IOException ex) {
				sleep(200);
			}
		}
		close();
		throw new IOException(this.name + " did not listen on " + this.port + " within " + timeout);
	}

	/**
	 * Return the last lines of the server's log.
	 * @param lines how many lines
	 * @return the lines
	 */
	String tail(int lines) {
		if (this.log == null) {
			return "";
		}
		try {
			List<String> all = Files.readAllLines(this.log, StandardCharsets.UTF_8);
			return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
		}
		catch (IOException ex) {
			return "(no log: " + ex.getMessage() + ")";
		}
	}

	/**
	 * Return the name.
	 * @return the name
	 */
	public String name() {
		return this.name;
	}

	/**
	 * Return the port.
	 * @return the port
	 */
	public int port() {
		return this.port;
	}

	/**
	 * Return whether the server's process runs; the runner's own process always does.
	 * @return whether it runs
	 */
	boolean running() {
		return this.process == null || this.process.isAlive();
	}

	/**
	 * Return the GC log of a Java server.
	 * @return the file written with {@link GcLog#jvmOption(Path)}, or {@code null}
	 */
	@Nullable Path gcLog() {
		return this.gcLog;
	}

	private ProcessHandle handle() {
		return (this.process != null) ? this.process.toHandle() : ProcessHandle.current();
	}

	private Stream<ProcessHandle> processes() {
		// the runner's own children are the other servers
		return (this.process != null) ? Stream.concat(Stream.of(handle()), handle().descendants())
				: Stream.of(handle());
	}

	/**
	 * Return the live instances and bytes of every class in the server, after a full
	 * collection.
	 * @return instances and bytes by class name, from
	 * {@code jcmd <pid> GC.class_histogram}
	 * @throws IOException when jcmd cannot run
	 * @throws InterruptedException when interrupted while waiting for it
	 */
	Map<String, long[]> classHistogram() throws IOException, InterruptedException {
		Process jcmd = new ProcessBuilder("jcmd", String.valueOf(handle().pid()), "GC.class_histogram")
			.redirectErrorStream(true)
			.start();
		String output = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		jcmd.waitFor(30, TimeUnit.SECONDS);
		Map<String, long[]> histogram = new HashMap<>();
		output.lines()
			.map(String::trim)
			.filter((line) -> line.matches("\\d+:\\s+\\d+\\s+\\d+\\s+.*"))
			.forEach((line) -> {
				String[] fields = line.split("\\s+");
				histogram.put(fields[3], new long[] { Long.parseLong(fields[1]), Long.parseLong(fields[2]) });
			});
		return histogram;
	}

	/**
	 * Return the CPU time the server's processes used so far.
	 * @return user and system time in seconds
	 */
	public double cpuSeconds() {
		return processes().mapToLong((process) -> {
			String stat = read("/proc/" + process.pid() + "/stat");
			if (stat.isEmpty()) {
				return 0;
			}
			String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
			return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
		}).sum() / (double) TICKS_PER_SECOND;
	}

	/**
	 * Return the resident memory of the server's processes.
	 * @return the bytes of RSS
	 */
	public long rssBytes() {
		return processes().mapToLong((process) -> {
			for (String line : read("/proc/" + process.pid() + "/status").split("\n")) {
				if (line.startsWith("VmRSS:")) {
					return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
				}
			}
			return 0;
		}).sum();
	}

	private static String read(String file) {
		try {
			return Files.readString(Path.of(file));
		}
		catch (IOException ex) {
			return "";
		}
	}

	/**
	 * Return a free port of 127.0.0.1.
	 * @return the port
	 */
	static int freePort() {
		try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted", ex);
		}
	}

	@Override
	public void close() {
		if (this.stop != null) {
			this.stop.run();
		}
		if (this.process != null && this.process.isAlive()) {
			this.process.destroy();
			try {
				if (!this.process.waitFor(10, TimeUnit.SECONDS)) {
					this.process.destroyForcibly();
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

}
