package dev.realtime.run;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.realtime.Channel;
import dev.realtime.MessageKind;
import dev.realtime.delivery.LocalFanOut;
import dev.realtime.engine.EngineEvent;
import dev.realtime.engine.EngineMessage;
import dev.realtime.engine.Replay;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.util.retry.Retry;

import org.springframework.core.log.LogMessage;

/**
 * The replies of one run: a subscription to the run's channel, held from the start of the
 * run to its end, that buffers what clients publish until the run takes it. A
 * subscription rather than the history, so that replies on topics without history arrive
 * too; a lost subscription resumes after the last message it saw.
 *
 * @author Realtime team
 */
final class RunReplies {

	private static final Log logger = LogFactory.getLog(RunReplies.class);

	private final LocalFanOut fanOut;

	private final Channel channel;

	private final String runId;

	private final CompletableFuture<Void> subscribed = new CompletableFuture<>();

	/** Guarded by this. */
	private final Map<String, ArrayDeque<EngineMessage>> buffers = new HashMap<>();

	private volatile @Nullable String lastId;

	private volatile @Nullable Disposable subscription;

	/** Replies retained since then are taken too; {@code null} for live ones only. */
	private final @Nullable Instant since;

	RunReplies(LocalFanOut fanOut, Channel channel, String runId) {
		this(fanOut, channel, runId, null);
	}

	RunReplies(LocalFanOut fanOut, Channel channel, String runId, @Nullable Instant since) {
		this.fanOut = fanOut;
		this.channel = channel;
		this.runId = runId;
		this.since = since;
	}

	void start() {
		this.subscription = Flux.defer(() -> {
			String after = this.lastId;
			Replay first = (this.since != null) ? Replay.all() : Replay.none();
			return this.fanOut.subscribe(this.channel.name(), this.channel.definition().topics().keySet(),
					(after != null) ? Replay.after(after) : first);
		})
			.retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofMillis(100)).maxBackoff(Duration.ofSeconds(5)))
			.subscribe(this::onEvent, (ex) -> logger.warn(
					LogMessage.format("Run '%s' stopped receiving replies on '%s'", this.runId, this.channel.name()),
					ex));
	}

	/**
	 * Return a future that completes once the subscription is in place, so that replies
	 * published from then on reach the run.
	 * @return the future
	 */
	CompletableFuture<Void> subscribed() {
		return this.subscribed;
	}

	private void onEvent(EngineEvent event) {
		if (event instanceof EngineEvent.Subscribed) {
			this.subscribed.complete(null);
			return;
		}
		EngineMessage message = (EngineMessage) event;
		this.lastId = message.id().toString();
		if (message.kind() == MessageKind.DATA && message.runId() == null
				&& this.channel.definition().topics().containsKey(message.topic())
				&& (this.since == null || !message.createdAt().isBefore(this.since))) {
			offer(message);
		}
	}

	private synchronized void offer(EngineMessage message) {
		ArrayDeque<EngineMessage> buffer = this.buffers.computeIfAbsent(message.topic(), (topic) -> new ArrayDeque<>());
		if (buffer.size() == Run.MAX_BUFFERED_REPLIES) {
			EngineMessage dropped = buffer.removeFirst();
			logger.warn(LogMessage.format("Run '%s' dropped unread reply %s on '%s': more than %d are waiting",
					this.runId, dropped.id(), message.topic(), Run.MAX_BUFFERED_REPLIES));
		}
		buffer.addLast(message);
		notifyAll();
	}

	/**
	 * Take the oldest reply on a topic, waiting for one if none is buffered.
	 * @param topic the topic name
	 * @param timeout how long to wait
	 * @return the reply, or {@code null} if none arrived in time
	 * @throws InterruptedException if the thread was interrupted while waiting
	 */
	synchronized @Nullable EngineMessage take(String topic, Duration timeout) throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (true) {
			ArrayDeque<EngineMessage> buffer = this.buffers.get(topic);
			if (buffer != null && !buffer.isEmpty()) {
				return buffer.removeFirst();
			}
			long remaining = deadline - System.nanoTime();
			if (remaining <= 0) {
				return null;
			}
			TimeUnit.NANOSECONDS.timedWait(this, remaining);
		}
	}

	void stop() {
		Disposable current = this.subscription;
		if (current != null) {
			current.dispose();
		}
	}

}
