package dev.realtime.engine.redis;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

/**
 * A {@code redis-server} process of the test's own, without persistence, that tests kill,
 * pause and restart by pid.
 */
public final class RedisServerProcess implements AutoCloseable {

	private final int port;

	private final Path directory;

	private Process process;

	private int launches;

	private RedisServerProcess(int port, Path directory) throws IOException, InterruptedException {
		this.port = port;
		this.directory = directory;
		this.process = launch();
	}

	/**
	 * Start a server on a free port, or skip the test when {@code redis-server} is not
	 * installed (failing it instead when {@code realtime.test.redis.required=true}).
	 * @param directory where {@code SAVE} writes its dump and a restart reads it
	 * @return the running server
	 */
	public static RedisServerProcess start(Path directory) throws IOException, InterruptedException {
		try {
			new ProcessBuilder("redis-server", "--version").start().waitFor(5, TimeUnit.SECONDS);
		}
		catch (IOException ex) {
			String message = "redis-server is not installed: skipping the Redis fault tests";
			if (Boolean.getBoolean("realtime.test.redis.required")) {
				throw new IllegalStateException(message + " but realtime.test.redis.required=true", ex);
			}
			Assumptions.abort(message);
		}
		int port;
		try (ServerSocket socket = new ServerSocket(0)) {
			port = socket.getLocalPort();
		}
		return new RedisServerProcess(port, directory);
	}

	public int port() {
		return this.port;
	}

	long pid() {
		return this.process.pid();
	}

	/**
	 * Kill the server with SIGKILL, losing whatever it did not save.
	 */
	public void kill() throws InterruptedException {
		this.process.destroyForcibly();
		this.process.waitFor(10, TimeUnit.SECONDS);
	}

	/**
	 * Start the server again on the same port, with the last dump if {@code SAVE} wrote
	 * one.
	 */
	public void restart() throws IOException, InterruptedException {
		this.process = launch();
	}

	/**
	 * Return whether the server answers {@code PING} now, on a connection of its own.
	 * @return {@code true} if it answered {@code +PONG}
	 */
	public boolean answersPing() {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(EnabledIfRedis.HOST, this.port), 200);
			socket.setSoTimeout(200);
			socket.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
			InputStream input = socket.getInputStream();
			byte[] reply = new byte[7];
			int read = 0;
			while (read < reply.length) {
				int count = input.read(reply, read, reply.length - read);
				if (count < 0) {
					return false;
				}
				read += count;
			}
			return new String(reply, StandardCharsets.US_ASCII).equals("+PONG\r\n");
		}
		catch (IOException ex) {
			return false;
		}
	}

	/**
	 * Send a signal to the server, such as {@code STOP} or {@code CONT}.
	 * @param signal the signal name
	 */
	void signal(String signal) throws IOException, InterruptedException {
		new ProcessBuilder("kill", "-" + signal, Long.toString(pid())).start().waitFor(5, TimeUnit.SECONDS);
	}

	private Process launch() throws IOException, InterruptedException {
		Path log = this.directory.resolve("redis-" + (++this.launches) + ".log");
		Process started = new ProcessBuilder("redis-server", "--port", Integer.toString(this.port), "--bind",
				EnabledIfRedis.HOST, "--save", "", "--appendonly", "no", "--dir", this.directory.toString())
			.redirectOutput(log.toFile())
			.redirectErrorStream(true)
			.start();
		// Not by connecting: an attempt on a free port of the ephemeral range can connect
		// to itself and take the port from the server
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (System.nanoTime() < deadline && started.isAlive()) {
			if (Files.readString(log).contains("Ready to accept connections")) {
				return started;
			}
			Thread.sleep(10);
		}
		started.destroyForcibly();
		throw new IllegalStateException(
				"redis-server did not start on port " + this.port + ":\n" + Files.readString(log));
	}

	@Override
	public void close() throws InterruptedException {
		kill();
	}

}
