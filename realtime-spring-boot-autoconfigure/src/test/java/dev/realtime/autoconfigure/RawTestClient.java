package dev.realtime.autoconfigure;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client on a raw socket with a tiny receive buffer, that reads only when told to: the
 * client of a slow reader, whose bytes pile up in the server's buffers. It speaks just
 * enough HTTP and WebSocket to subscribe.
 */
final class RawTestClient implements AutoCloseable {

	private final Socket socket;

	private final InputStream in;

	private final OutputStream out;

	private RawTestClient(Socket socket) throws IOException {
		this.socket = socket;
		this.in = socket.getInputStream();
		this.out = socket.getOutputStream();
	}

	/**
	 * Connect with a receive buffer of 1 KiB, set before connecting so that the window
	 * the server sees is small from the start.
	 * @param port the server's port
	 * @return the client
	 */
	static RawTestClient connect(int port) throws IOException {
		Socket socket = new Socket();
		socket.setReceiveBufferSize(1024);
		socket.setSoTimeout(10_000);
		socket.connect(new InetSocketAddress("127.0.0.1", port));
		return new RawTestClient(socket);
	}

	/**
	 * Open an SSE stream and read up to the end of its {@code subscribed} event.
	 * @param path the path and query, with the token
	 */
	void subscribeSse(String path) throws IOException {
		this.out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n")
			.getBytes(StandardCharsets.US_ASCII));
		this.out.flush();
		readUntil("HTTP/1.1 200");
		readUntil("event: subscribed");
		readUntil("\n\n");
	}

	/**
	 * Open a WebSocket and subscribe to a channel, reading up to the {@code subscribed}
	 * frame.
	 * @param token the subscription token
	 */
	void subscribeWebSocket(String token) throws IOException {
		this.out.write(("GET /realtime/ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
				+ "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
				+ "Sec-WebSocket-Version: 13\r\n\r\n")
			.getBytes(StandardCharsets.US_ASCII));
		this.out.flush();
		readUntil("HTTP/1.1 101");
		readUntil("\r\n\r\n");
		sendText("{\"type\":\"subscribe\",\"token\":\"" + token + "\",\"history\":\"none\"}");
		readUntil("\"type\":\"subscribed\"");
		readUntil("\"recovered\":null}");
	}

	/**
	 * Send a masked text frame.
	 * @param text the frame's text
	 */
	void sendText(String text) throws IOException {
		sendFrame(0x81, text.getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * Send a masked close frame with status 1000.
	 */
	void sendClose() throws IOException {
		sendFrame(0x88, new byte[] { 0x03, (byte) 0xe8 });
	}

	private void sendFrame(int opcode, byte[] payload) throws IOException {
		assertThat(payload.length).isLessThan(65536);
		ByteArrayOutputStream frame = new ByteArrayOutputStream();
		frame.write(opcode);
		if (payload.length < 126) {
			frame.write(0x80 | payload.length);
		}
		else {
			frame.write(0x80 | 126);
			frame.write(payload.length >> 8);
			frame.write(payload.length & 0xff);
		}
		byte[] mask = { 1, 2, 3, 4 };
		frame.write(mask, 0, 4);
		for (int i = 0; i < payload.length; i++) {
			frame.write(payload[i] ^ mask[i % 4]);
		}
		this.out.write(frame.toByteArray());
		this.out.flush();
	}

	private void readUntil(String marker) throws IOException {
		ByteArrayOutputStream read = new ByteArrayOutputStream();
		while (!read.toString(StandardCharsets.ISO_8859_1).endsWith(marker)) {
			int b = this.in.read();
			assertThat(b).as("'%s' before the end of the stream", marker).isNotNegative();
			read.write(b);
		}
	}

	/**
	 * Read what the server sent, with a larger receive buffer, until the end of the
	 * stream or for at most the given time.
	 * @param within how long to read at most
	 * @return how many bytes were read and whether the stream ended
	 */
	Drained drain(Duration within) throws IOException {
		this.socket.setReceiveBufferSize(1 << 20);
		this.socket.setSoTimeout(200);
		long deadline = System.nanoTime() + within.toNanos();
		byte[] buffer = new byte[64 * 1024];
		long bytes = 0;
		while (System.nanoTime() < deadline) {
			try {
				int read = this.in.read(buffer);
				if (read < 0) {
					return new Drained(bytes, true);
				}
				bytes += read;
			}
			catch (SocketTimeoutException ex) {
				// nothing more yet
			}
		}
		return new Drained(bytes, false);
	}

	/**
	 * Tell whether the server's end of this connection is still established, as Linux
	 * lists it in {@code /proc/net/tcp}: a server that closed its end, even with bytes
	 * still queued for the client, has it in another state, or no longer at all.
	 * @return whether the server's end is established, or {@code null} when the system
	 * does not say
	 */
	@Nullable Boolean isEstablishedOnTheServer() throws IOException {
		List<Path> tables = Stream.of("/proc/net/tcp", "/proc/net/tcp6")
			.map(Path::of)
			.filter(Files::isReadable)
			.toList();
		if (tables.isEmpty()) {
			return null;
		}
		String local = ":" + hexPort(this.socket.getPort());
		String remote = ":" + hexPort(this.socket.getLocalPort());
		for (Path table : tables) {
			for (String line : Files.readAllLines(table)) {
				String[] fields = line.trim().split("\\s+");
				if (fields.length > 3 && fields[1].endsWith(local) && fields[2].endsWith(remote)) {
					return fields[3].equals("01");
				}
			}
		}
		return false;
	}

	private static String hexPort(int port) {
		return String.format("%04X", port);
	}

	/**
	 * Go away abruptly: reset the connection, dropping what the server sent and the
	 * client did not read.
	 */
	void reset() throws IOException {
		this.socket.setSoLinger(true, 0);
		this.socket.close();
	}

	@Override
	public void close() throws IOException {
		this.socket.close();
	}

	/**
	 * What a client read when it drained its socket.
	 *
	 * @param bytes how many bytes it read
	 * @param ended whether the stream ended
	 */
	record Drained(long bytes, boolean ended) {

	}

}
