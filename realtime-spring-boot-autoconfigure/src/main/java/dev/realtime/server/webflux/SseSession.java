package dev.realtime.server.webflux;

import java.util.ArrayDeque;
import java.util.Set;

import dev.realtime.MessageKind;
import dev.realtime.engine.EngineMessage;
import dev.realtime.engine.History;
import dev.realtime.engine.MessageId;
import dev.realtime.engine.Replay;
import dev.realtime.engine.SlowSubscriberException;
import dev.realtime.engine.SubscriptionLostException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;

/**
 * One Server-Sent Events stream: joins its channel's {@link LocalFanOut}, writes
 * {@code event: subscribed} and the history it asked for, then the live messages of the
 * topics its token allows; sends a keep-alive when nothing else was written for a period,
 * and ends with the token's expiry, the application's shutdown, the channel's
 * subscription, or a client that falls too far behind. Everything happens on the output's
 * loop.
 *
 * @author Realtime team
 */
final class SseSession implements LocalFanOut.FanOutSubscriber, OpenStreams.Stream {

	private static final Log logger = LogFactory.getLog(SseSession.class);

	private static final byte[] KEEP_ALIVE = Frames.utf8(":\n\n");

	private final RealtimeSseHandler handler;

	private final String channel;

	private final Set<String> topics;

	private final Replay replay;

	private final SseOutput output;

	private final long expiresAt;

	private @Nullable Disposable membership;

	private State state = State.WAITING;

	/**
	 * Messages that wait: the live ones received while the history is read, then the ones
	 * the client is not ready for.
	 */
	private @Nullable ArrayDeque<EngineMessage> waiting;

	/** Epoch of the last message of the stream, to skip what the history held. */
	private @Nullable String epoch;

	/** Offset of the last message of the stream. */
	private long offset;

	/** Whether a frame was written since the last flush. */
	private boolean written;

	/** Whether a frame was sent since the last keep-alive check. */
	private boolean active;

	private long keepAliveAt;

	/**
	 * Create a new session.
	 * @param handler the handler's settings and collaborators
	 * @param channel the channel
	 * @param topics the topics the token allows
	 * @param expiresAt when the token expires, in milliseconds since the epoch
	 * @param replay what to replay first
	 * @param output where to write
	 */
	SseSession(RealtimeSseHandler handler, String channel, Set<String> topics, long expiresAt, Replay replay,
			SseOutput output) {
		this.handler = handler;
		this.channel = channel;
		this.topics = topics;
		this.expiresAt = expiresAt;
		this.replay = replay;
		this.output = output;
	}

	/**
	 * Start the stream: track it and join the channel, on the loop.
	 */
	void start() {
		loop().execute(this::open);
	}

	/**
	 * Stop the stream without writing anything more, because the client is gone.
	 */
	void cancel() {
		loop().execute(() -> {
			if (this.state != State.ENDED) {
				this.state = State.ENDED;
				leave();
			}
		});
	}

	private void open() {
		if (this.state == State.ENDED) {
			return;
		}
		this.keepAliveAt = this.handler.clock().millis() + this.handler.keepAlive().toMillis();
		this.handler.streams().add(this);
		if (this.state != State.ENDED) {
			this.membership = this.handler.fanOut().join(this);
		}
	}

	@Override
	public String channel() {
		return this.channel;
	}

	@Override
	public StreamLoop loop() {
		return this.output.loop();
	}

	@Override
	public void live() {
		if (this.state != State.WAITING) {
			return;
		}
		if (this.replay.mode() == Replay.Mode.NONE) {
			this.state = State.LIVE;
			this.output.write(subscribedFrame(null));
			this.written = true;
			flush();
			return;
		}
		this.state = State.REPLAYING;
		this.handler.engine()
			.history(channel(), this.replay)
			.subscribe((history) -> loop().execute(() -> replayed(history)),
					(ex) -> loop().execute(() -> end(errorFrame(ex))));
	}

	private void replayed(History history) {
		if (this.state != State.REPLAYING) {
			return;
		}
		this.state = State.LIVE;
		ArrayDeque<EngineMessage> live = this.waiting;
		this.waiting = null;
		this.output.write(subscribedFrame(history.recovered()));
		this.written = true;
		for (EngineMessage message : history.messages()) {
			deliver(message);
		}
		if (live != null) {
			for (EngineMessage message : live) {
				deliver(message);
			}
		}
		flush();
	}

	@Override
	public void accept(EngineMessage message) {
		if (this.state == State.LIVE) {
			deliver(message);
		}
		else if (this.state == State.REPLAYING) {
			queue(message);
		}
	}

	private void deliver(EngineMessage message) {
		MessageId id = message.id();
		if (this.epoch != null) {
			if (!this.epoch.equals(id.epoch())) {
				end(errorFrame(new SubscriptionLostException(
						"The history of '" + channel() + "' changed while subscribing", null)));
				return;
			}
			if (id.offset() <= this.offset) {
				// already in the history that was written
				return;
			}
		}
		this.epoch = id.epoch();
		this.offset = id.offset();
		if (message.kind() != MessageKind.RUN && !this.topics.contains(message.topic())) {
			return;
		}
		if (this.waiting != null || !this.output.isWritable()) {
			queue(message);
			if (this.state == State.LIVE && this.waiting != null) {
				this.output.whenWritable(this::writable);
			}
			return;
		}
		this.output.writeMessage(message);
		this.written = true;
	}

	private void queue(EngineMessage message) {
		ArrayDeque<EngineMessage> waiting = this.waiting;
		if (waiting == null) {
			waiting = new ArrayDeque<>();
			this.waiting = waiting;
		}
		if (waiting.size() >= this.handler.capacity()) {
			end(errorFrame(new SlowSubscriberException(channel(), this.handler.capacity())));
			return;
		}
		waiting.add(message);
	}

	private void writable() {
		ArrayDeque<EngineMessage> waiting = this.waiting;
		if (this.state != State.LIVE || waiting == null) {
			return;
		}
		EngineMessage message;
		while (this.output.isWritable() && (message = waiting.poll()) != null) {
			this.output.writeMessage(message);
			this.written = true;
		}
		if (waiting.isEmpty()) {
			this.waiting = null;
		}
		flush();
		if (this.waiting != null) {
			this.output.whenWritable(this::writable);
		}
	}

	@Override
	public void flush() {
		if (this.written) {
			this.written = false;
			this.active = true;
			this.output.flush();
		}
	}

	@Override
	public void ended(@Nullable Throwable error) {
		end((error != null) ? errorFrame(error) : null);
	}

	@Override
	public boolean tick(long now) {
		if (this.state == State.ENDED) {
			return false;
		}
		if (now >= this.expiresAt) {
			end(expiredFrame());
			return false;
		}
		if (now >= this.keepAliveAt) {
			this.keepAliveAt = now + this.handler.keepAlive().toMillis();
			if (!this.active) {
				this.output.write(KEEP_ALIVE);
				this.output.flush();
			}
			this.active = false;
		}
		return true;
	}

	@Override
	public void shutdown() {
		end(this.handler.retryFrame());
	}

	private void end(byte @Nullable [] frame) {
		if (this.state == State.ENDED) {
			return;
		}
		this.state = State.ENDED;
		this.waiting = null;
		leave();
		if (frame != null) {
			this.output.write(frame);
		}
		this.output.flush();
		this.output.complete();
	}

	private void leave() {
		Disposable membership = this.membership;
		if (membership != null) {
			this.membership = null;
			membership.dispose();
		}
	}

	private byte[] subscribedFrame(@Nullable Boolean recovered) {
		return Frames.utf8(this.handler.retryField() + "event: subscribed\ndata: {"
				+ Frames.subscribed(channel(), this.topics, recovered) + "}\n\n");
	}

	private byte[] expiredFrame() {
		return Frames.utf8("event: expired\ndata: {" + Frames.channel(channel()) + "}\n\n");
	}

	private byte[] errorFrame(Throwable ex) {
		String code;
		if (ex instanceof SlowSubscriberException) {
			code = "slow_consumer";
		}
		else if (ex instanceof SubscriptionLostException) {
			code = "subscription_lost";
		}
		else {
			code = "internal";
			logger.error("Realtime SSE stream of '" + channel() + "' failed", ex);
		}
		String message = code.equals("internal") ? "Internal error" : ex.getMessage();
		return Frames.utf8("event: error\ndata: {" + Frames.error(code, message) + "}\n\n");
	}

	private enum State {

		/** Joined, waiting for the channel to be live. */
		WAITING,

		/** Reading the history; live messages wait. */
		REPLAYING,

		/** Writing live messages. */
		LIVE,

		/** Nothing more is written. */
		ENDED

	}

}
