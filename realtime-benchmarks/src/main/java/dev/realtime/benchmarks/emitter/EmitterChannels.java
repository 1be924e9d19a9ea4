package dev.realtime.benchmarks.emitter;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyEmitter.DataWithMediaType;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * The subscribers of every channel: a list of {@link SseEmitter}s per channel, created on
 * first use. A publish builds the event once and sends it to every emitter of the channel
 * in turn, on the publishing thread; an emitter leaves its list when it completes, times
 * out or fails, or when a send to it fails. The Servlet API does not tell when a client
 * goes away, so a comment goes to every emitter every 15 seconds (the starter's SSE
 * keep-alive) as Spring's reference documentation advises: the send to a client that left
 * fails, and its emitter leaves.
 *
 * @author Realtime team
 * @since 0.1.0
 */
@Component
class EmitterChannels {

	/** No timeout: a subscription lasts until its client leaves, as the starter's do. */
	private static final long NO_TIMEOUT = 0L;

	private final Map<String, List<SseEmitter>> channels = new ConcurrentHashMap<>();

	SseEmitter subscribe(String channel) throws IOException {
		SseEmitter emitter = new SseEmitter(NO_TIMEOUT);
		List<SseEmitter> emitters = this.channels.computeIfAbsent(channel, (name) -> new CopyOnWriteArrayList<>());
		emitters.add(emitter);
		emitter.onCompletion(() -> emitters.remove(emitter));
		emitter.onTimeout(() -> emitters.remove(emitter));
		emitter.onError((ex) -> emitters.remove(emitter));
		// a first comment commits the response, so that the client knows it is subscribed
		emitter.send(SseEmitter.event().comment("subscribed"));
		return emitter;
	}

	void publish(String channel, String data) {
		List<SseEmitter> emitters = this.channels.get(channel);
		if (emitters != null) {
			send(emitters, SseEmitter.event().name("message").data(data).build());
		}
	}

	@Scheduled(fixedRate = 15_000, initialDelay = 15_000)
	void heartbeat() {
		Set<DataWithMediaType> comment = SseEmitter.event().comment("keep-alive").build();
		this.channels.values().forEach((emitters) -> send(emitters, comment));
	}

	private static void send(List<SseEmitter> emitters, Set<DataWithMediaType> event) {
		for (SseEmitter emitter : emitters) {
			try {
				emitter.send(event);
			}
			catch (IOException | IllegalStateException ex) {
				// the client is gone (the container completes the emitter), or the
				// emitter completed already
				emitters.remove(emitter);
			}
		}
	}

}
