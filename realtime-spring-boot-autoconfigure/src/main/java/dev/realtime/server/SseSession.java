package dev.realtime.server;

import dev.realtime.delivery.ChannelClosedException;
import dev.realtime.delivery.ChannelStream;
import dev.realtime.delivery.SlowSubscriberException;
import dev.realtime.delivery.StreamLoop;
import dev.realtime.engine.EngineMessage;
import dev.realtime.engine.Replay;
import dev.realtime.engine.SubscriptionLostException;
import dev.realtime.metrics.RealtimeStatistics.CloseReason;
import dev.realtime.metrics.RealtimeStatistics.Subscriber;
import dev.realtime.metrics.RealtimeStatistics.Transport;
import dev.realtime.presence.PresenceTracker;
import dev.realtime.token.TokenClaims;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * One Server-Sent Events stream: the {@link ChannelStream} of its token's channel written
 * as SSE frames, a keep-alive comment when nothing else was written for a period, and an
 * end with the token's expiry, the application's shutdown, or the channel's stream.
 * Everything happens on the output's loop. A transport creates it with
 * {@link RealtimeHub#sseSession}, starts it once the response is committed, and cancels
 * it when the client goes away.
 *
 * @author Realtime team
 * @since 0.1.0
 */
public final class SseSession implements ChannelStream.Client, OpenStreams.Stream {

	private static final Log logger = LogFactory.getLog(SseSession.class);

	private static final byte[] KEEP_ALIVE = Frames.utf8(":\n\n");

	private final RealtimeHub hub;

	private final SseOutput output;

	/**
	 * The claims of the stream's token when its channel tracks presence, which it enters
	 * once live; {@code null} otherwise, so that other streams keep no claims.
	 */
	private final @Nullable TokenClaims presenceClaims;

	private final ChannelStream stream;

	private final long expiresAt;

	/** The stream's presence on its channel, from when it is live until it ends. */
	private PresenceTracker.@Nullable Presence presence;

	private boolean ended;

	/** Whether the session was counted as an open connection. */
	private boolean opened;

	/** Whether a frame was sent since the last keep-alive check. */
	private boolean active;

	private long keepAliveAt;

	/**
	 * Create a new session.
	 * @param hub the hub's settings and collaborators
	 * @param claims the claims of the stream's token
	 * @param replay what to replay first
	 * @param output where to write
	 */
	SseSession(RealtimeHub hub, TokenClaims claims, Replay replay, SseOutput output) {
		this.hub = hub;
		this.output = output;
		this.presenceClaims = hub.tracksPresence(claims.channel()) ? claims : null;
		this.stream = new ChannelStream(this, claims.channel(), claims.streamTopics(), replay, hub.fanOut());
		this.expiresAt = claims.expiresAt().toEpochMilli();
	}

	/**
	 * Start the stream: track it and join the channel, on the loop.
	 */
	public void start() {
		loop().execute(() -> {
			if (this.ended) {
				return;
			}
			this.keepAliveAt = this.hub.clock().millis() + this.hub.sseKeepAlive().toMillis();
			this.hub.statistics().connectionOpened(Transport.SSE);
			this.opened = true;
			this.hub.streams().add(this);
			if (!this.ended) {
				this.stream.join();
			}
		});
	}

	/**
	 * Stop the stream without writing anything more, because the client is gone.
	 */
	public void cancel() {
		loop().execute(() -> {
			closed(CloseReason.CLIENT);
			this.stream.close();
		});
	}

	@Override
	public Subscriber subscriber() {
		return Subscriber.SSE;
	}

	@Override
	public StreamLoop loop() {
		return this.output.loop();
	}

	@Override
	public void subscribed(@Nullable Boolean recovered) {
		// once live: the join it may cause reaches this stream too
		TokenClaims presenceClaims = this.presenceClaims;
		if (presenceClaims != null && this.presence == null) {
			this.presence = this.hub.enterPresence(presenceClaims);
		}
		this.output.write(this.hub.frames()
			.event(this.hub.sseRetryField() + "event: subscribed",
					new Frames.SubscribedEvent(this.stream.channel(), this.stream.topics(), recovered)));
	}

	@Override
	public void write(EngineMessage message) {
		this.output.writeMessage(message);
	}

	@Override
	public void flush() {
		this.active = true;
		this.output.flush();
	}

	@Override
	public boolean isWritable() {
		return this.output.isWritable();
	}

	@Override
	public void whenWritable(Runnable task) {
		this.output.whenWritable(task);
	}

	@Override
	public void failed(Throwable error) {
		end(errorFrame(error), closeReason(error));
	}

	@Override
	public void completed() {
		end(null, CloseReason.SHUTDOWN);
	}

	@Override
	public boolean tick(long now) {
		if (this.ended) {
			return false;
		}
		if (now >= this.expiresAt) {
			end(this.hub.frames().event("event: expired", new Frames.ExpiredEvent(this.stream.channel())),
					CloseReason.EXPIRED);
			return false;
		}
		if (now >= this.keepAliveAt) {
			this.keepAliveAt = now + this.hub.sseKeepAlive().toMillis();
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
		end(this.hub.sseRetryFrame(), CloseReason.SHUTDOWN);
	}

	private void end(byte @Nullable [] frame, CloseReason reason) {
		if (this.ended) {
			return;
		}
		closed(reason);
		this.stream.close();
		if (frame != null) {
			this.output.write(frame);
		}
		this.output.flush();
		this.output.complete();
	}

	// ends the session, counting it closed if it was counted open
	private void closed(CloseReason reason) {
		if (this.opened && !this.ended) {
			this.hub.statistics().connectionClosed(Transport.SSE, reason);
		}
		PresenceTracker.Presence presence = this.presence;
		if (presence != null) {
			presence.exit();
		}
		this.ended = true;
	}

	static CloseReason closeReason(Throwable error) {
		if (error instanceof SlowSubscriberException) {
			return CloseReason.SLOW_CONSUMER;
		}
		if (error instanceof SubscriptionLostException) {
			return CloseReason.SUBSCRIPTION_LOST;
		}
		if (error instanceof ChannelClosedException) {
			return CloseReason.CLOSED;
		}
		return CloseReason.ERROR;
	}

	private byte[] errorFrame(Throwable ex) {
		String code;
		if (ex instanceof SlowSubscriberException) {
			code = "slow_consumer";
		}
		else if (ex instanceof SubscriptionLostException) {
			code = "subscription_lost";
		}
		else if (ex instanceof ChannelClosedException) {
			// the client stops, as when a token is refused
			code = "forbidden";
		}
		else {
			code = "internal";
			logger.error("Realtime SSE stream of '" + this.stream.channel() + "' failed", ex);
		}
		String message = code.equals("internal") ? "Internal error" : ex.getMessage();
		return this.hub.frames().event("event: error", new Frames.ErrorEvent(code, (message != null) ? message : code));
	}

}
