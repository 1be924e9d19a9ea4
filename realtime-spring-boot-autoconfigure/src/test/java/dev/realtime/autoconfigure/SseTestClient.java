package dev.realtime.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.http.client.HttpClient;
import reactor.util.function.Tuple2;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reads a raw {@code text/event-stream} over a real socket and splits it into events.
 */
final class SseTestClient implements AutoCloseable {

	private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();

	private final StringBuilder pending = new StringBuilder();

	private final Disposable connection;

	private volatile boolean completed;

	private final Sinks.Empty<Void> reading = Sinks.empty();

	private SseTestClient(HttpClient client, String uri, boolean paused) {
		Flux<String> content = client.get().uri(uri).responseContent().asString();
		if (paused) {
			// read the first chunk, then stop reading (TCP pushes back) until resumed
			Mono<Void> gate = this.reading.asMono();
			content = content.index()
				.delayUntil((chunk) -> (chunk.getT1() == 0) ? Mono.empty() : gate)
				.map(Tuple2::getT2);
		}
		this.connection = content.doOnComplete(() -> this.completed = true).subscribe(this::append);
	}

	static SseTestClient connect(int port, String uri, @Nullable String token, @Nullable String lastEventId) {
		return connect(port, uri, token, lastEventId, false);
	}

	static SseTestClient connect(int port, String uri, @Nullable String token, @Nullable String lastEventId,
			boolean paused) {
		HttpClient client = HttpClient.create().baseUrl("http://127.0.0.1:" + port).headers((headers) -> {
			if (token != null) {
				headers.add("Authorization", "Bearer " + token);
			}
			if (lastEventId != null) {
				headers.add("Last-Event-ID", lastEventId);
			}
		});
		return new SseTestClient(client, uri, paused);
	}

	private synchronized void append(String chunk) {
		this.pending.append(chunk);
		int end;
		while ((end = this.pending.indexOf("\n\n")) >= 0) {
			String block = this.pending.substring(0, end);
			this.pending.delete(0, end + 2);
			this.events.add(Event.parse(block));
		}
	}

	void resumeReading() {
		this.reading.tryEmitEmpty();
	}

	Event next() throws InterruptedException {
		Event event = this.events.poll(10, TimeUnit.SECONDS);
		assertThat(event).as("an event within 10 seconds").isNotNull();
		return event;
	}

	Event next(String type) throws InterruptedException {
		Event event = next();
		assertThat(event.type()).as("event %s", event).isEqualTo(type);
		return event;
	}

	List<Event> next(int count) throws InterruptedException {
		List<Event> result = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			result.add(next());
		}
		return result;
	}

	@Nullable Event poll(Duration timeout) throws InterruptedException {
		return this.events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
	}

	boolean isCompleted() {
		return this.completed;
	}

	@Override
	public void close() {
		this.connection.dispose();
	}

	record Event(@Nullable String id, String type, String data, Map<String, String> fields) {

		static Event parse(String block) {
			Map<String, String> fields = new LinkedHashMap<>();
			StringBuilder data = new StringBuilder();
			for (String line : block.split("\n")) {
				int colon = line.indexOf(':');
				String name = (colon < 0) ? line : line.substring(0, colon);
				String value = (colon < 0) ? "" : line.substring(colon + 1).stripLeading();
				if (name.equals("data")) {
					data.append((data.length() > 0) ? "\n" : "").append(value);
				}
				else {
					fields.put(name.isEmpty() ? "comment" : name, value);
				}
			}
			String type = fields.containsKey("event") ? fields.get("event")
					: fields.containsKey("comment") ? "comment" : fields.containsKey("retry") ? "retry" : "message";
			return new Event(fields.get("id"), type, data.toString(), fields);
		}

	}

}
