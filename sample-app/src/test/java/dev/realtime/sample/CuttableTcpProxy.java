package dev.realtime.sample;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;

/**
 * A TCP proxy on the loopback interface that can cut every connection at once, the way a
 * network drop or a restarted load balancer does, and hold new connections until the
 * network is back.
 */
final class CuttableTcpProxy implements Closeable {

	private final ServerSocket server;

	private final int targetPort;

	private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();

	private volatile CountDownLatch network = new CountDownLatch(0);

	CuttableTcpProxy(int targetPort) throws IOException {
		this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		this.targetPort = targetPort;
		start(this::accept);
	}

	int port() {
		return this.server.getLocalPort();
	}

	/**
	 * Close every proxied connection and hold new ones until {@link #restore()}.
	 */
	void cut() {
		this.network = new CountDownLatch(1);
		for (Socket socket : this.sockets) {
			closeQuietly(socket);
		}
	}

	/**
	 * Let held and new connections through again.
	 */
	void restore() {
		this.network.countDown();
	}

	@Override
	public void close() throws IOException {
		restore();
		this.server.close();
		cut();
	}

	private void accept() {
		while (!this.server.isClosed()) {
			try {
				Socket client = this.server.accept();
				this.sockets.add(client);
				start(() -> connect(client));
			}
			catch (IOException ex) {
				// closed
			}
		}
	}

	private void connect(Socket client) {
		try {
			this.network.await();
			Socket upstream = new Socket(InetAddress.getLoopbackAddress(), this.targetPort);
			this.sockets.add(upstream);
			start(() -> pump(upstream, client));
			pump(client, upstream);
		}
		catch (IOException ex) {
			closeQuietly(client);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private void pump(Socket from, Socket to) {
		try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
			byte[] buffer = new byte[8192];
			for (int read = in.read(buffer); read != -1; read = in.read(buffer)) {
				out.write(buffer, 0, read);
				out.flush();
			}
		}
		catch (IOException ex) {
			// cut or closed by either side
		}
		finally {
			closeQuietly(from);
			closeQuietly(to);
		}
	}

	private void closeQuietly(Socket socket) {
		this.sockets.remove(socket);
		try {
			socket.close();
		}
		catch (IOException ex) {
			// already closed
		}
	}

	private static void start(Runnable task) {
		Thread thread = new Thread(task, "proxy");
		thread.setDaemon(true);
		thread.start();
	}

}
