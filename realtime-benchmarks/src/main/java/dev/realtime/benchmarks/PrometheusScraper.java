package dev.realtime.benchmarks;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Scrapes a server's {@code /actuator/prometheus} at a fixed interval, as Prometheus
 * would, for as long as the server runs: the cost of metrics includes being read.
 *
 * @author Realtime team
 */
final class PrometheusScraper implements Runnable {

	private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	private final ServerProcess server;

	private final Duration interval;

	private final AtomicLong scrapes = new AtomicLong();

	private PrometheusScraper(ServerProcess server, Duration interval) {
		this.server = server;
		this.interval = interval;
	}

	/**
	 * Start scraping a server on a daemon thread, until it stops running.
	 * @param server the server, with Actuator's Prometheus endpoint exposed
	 * @param interval the time between scrapes
	 */
	static void start(ServerProcess server, Duration interval) {
		Thread thread = new Thread(new PrometheusScraper(server, interval), "scrape-" + server.name());
		thread.setDaemon(true);
		thread.start();
	}

	@Override
	public void run() {
		HttpRequest request = HttpRequest
			.newBuilder(URI.create("http://127.0.0.1:" + this.server.port() + "/actuator/prometheus"))
			.timeout(Duration.ofSeconds(5))
			.build();
		while (this.server.running()) {
			try {
				Thread.sleep(this.interval.toMillis());
				HttpResponse<Void> response = this.client.send(request, HttpResponse.BodyHandlers.discarding());
				if (response.statusCode() == 200) {
					this.scrapes.incrementAndGet();
				}
			}
			catch (IOException ex) {
				// starting or stopping: try again at the next interval
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

}
