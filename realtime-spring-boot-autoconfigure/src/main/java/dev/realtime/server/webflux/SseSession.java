package dev.realtime.server.webflux;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;

import dev.realtime.MessageKind;
import dev.realtime.engine.EngineEvent;
import dev.realtime.engine.EngineMessage;
import dev.realtime.engine.Replay;
import dev.realtime.engine.SlowSubscriberException;
import dev.realtime.engine.SubscriberQueue;
import dev.realtime.engine.SubscriptionLostException;
import dev.realtime.token.TokenClaims;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Disposable;
import reactor.core.Disposables;

/**
 * One Server-Sent Events stream: subscribes to the engine, writes the frames of the
 * topics its token allows, sends a keep-alive when nothing else was written for a period,
 * and ends with the token's expiry, the application's shutdown, or the engine
 * subscription. All writing happens in a drain that the {@link SseOutput} runs, one at a
 * time; the engine is asked for more messages only as they are written, so a client that
 * falls behind is detected by the engine's own bound.
 *
 * @author Realtime team
 */
final class SseSession implements CoreSubscriber<EngineEvent>, Runnable {

	private static final Log logger = LogFactory.getLog(SseSession.class);

	private static final byte[] KEEP_ALIVE = Frames.utf8(":\n\n");

	/** Messages asked of the engine ahead of writing them. */
	private static final int PREFETCH = 128;

	private static final Ending CANCELLED = new Ending(null, false);

	private static final AtomicIntegerFieldUpdater<SseSession> WIP = AtomicIntegerFieldUpdater
		.newUpdater(SseSession.class, "wip");

	private static final AtomicReferenceFieldUpdater<SseSession, @Nullable Ending> ENDING = AtomicReferenceFieldUpdater
		.newUpdater(SseSession.class, Ending.class, "ending");

	private final RealtimeSseHandler handler;

	private final TokenClaims claims;

	private final Replay replay;

	private final SubscriberQueue<EngineEvent> queue = SubscriberQueue.bounded(PREFETCH);

	private final Disposable.Composite resources = Disposables.composite();

	private @Nullable SseOutput output;

	private volatile @Nullable Subscription subscription;

	private volatile int wip;

	private volatile @Nullable Ending ending;

	private volatile boolean keepAliveDue;

	/** Whether a frame was written since the last keep-alive tick; drain only. */
	private boolean active;

	/** Whether the stream has ended; drain only. */
	private boolean ended;

	SseSession(RealtimeSseHandler handler, TokenClaims claims, Replay replay) {
		this.handler = handler;
		this.claims = claims;
		this.replay = replay;
	}

	/**
	 * Start the stream on an output: schedule keep-alives and expiry, listen for shutdown
	 * and subscribe to the engine.
	 * @param output where frames go
	 */
	void start(SseOutput output) {
		this.output = output;
		this.resources.add(output.schedulePeriodically(this::keepAlive, this.handler.keepAlive()));
		Duration untilExpiry = Duration.between(this.handler.clock().instant(), this.claims.expiresAt());
		this.resources.add(output.schedule(() -> end(new Ending(expiredFrame(), false)),
				untilExpiry.isNegative() ? Duration.ZERO : untilExpiry));
		this.resources.add(this.handler.shutdown()
			.asMono()
			.subscribe(null, null, () -> end(new Ending(this.handler.retryFrame(), false))));
		this.handler.engine().subscribe(this.claims.channel(), this.replay).subscribe(this);
	}

	/**
	 * Stop the stream without writing anything more, because the client is gone.
	 */
	void cancel() {
		end(CANCELLED);
		release();
	}

	/**
	 * Write what waits, because the output became writable.
	 */
	void writable() {
		schedule();
	}

	@Override
	public void onSubscribe(Subscription subscription) {
		this.subscription = subscription;
		subscription.request(PREFETCH);
	}

	@Override
	public void onNext(EngineEvent event) {
		if (!this.queue.offer(event)) {
			end(new Ending(errorFrame(new IllegalStateException("More messages than requested")), false));
			return;
		}
		schedule();
	}

	@Override
	public void onError(Throwable ex) {
		end(new Ending(errorFrame(ex), true));
	}

	@Override
	public void onComplete() {
		end(new Ending(null, true));
	}

	private void keepAlive() {
		this.keepAliveDue = true;
		schedule();
	}

	private void end(Ending ending) {
		if (ENDING.compareAndSet(this, null, ending)) {
			schedule();
		}
	}

	private void schedule() {
		if (WIP.getAndIncrement(this) == 0) {
			SseOutput output = this.output;
			if (output != null) {
				output.execute(this);
			}
		}
	}

	@Override
	public void run() {
		int missed = 1;
		do {
			if (!this.ended) {
				drain();
			}
			missed = WIP.addAndGet(this, -missed);
		}
		while (missed != 0);
	}

	private void drain() {
		SseOutput output = this.output;
		if (output == null) {
			return;
		}
		Ending ending = this.ending;
		if (ending != null && !ending.afterQueued()) {
			finish(output, ending);
			return;
		}
		int written = 0;
		EngineEvent event;
		while (output.isWritable() && (event = this.queue.poll()) != null) {
			write(output, event);
			written++;
		}
		if (written > 0) {
			this.active = true;
			Subscription subscription = this.subscription;
			if (subscription != null && ending == null) {
				subscription.request(written);
			}
		}
		if (ending != null && (this.queue.isEmpty() || !output.isWritable())) {
			finish(output, ending);
			return;
		}
		if (this.keepAliveDue) {
			this.keepAliveDue = false;
			if (!this.active) {
				output.write(KEEP_ALIVE);
				written++;
			}
			this.active = false;
		}
		if (written > 0) {
			output.flush();
		}
		if (!this.queue.isEmpty()) {
			output.whenWritable(this::schedule);
		}
	}

	private void write(SseOutput output, EngineEvent event) {
		if (event instanceof EngineMessage message) {
			if (message.kind() == MessageKind.RUN || this.claims.topics().contains(message.topic())) {
				output.writeMessage(message);
			}
		}
		else {
			output.write(subscribedFrame(((EngineEvent.Subscribed) event).recovered()));
		}
	}

	private void finish(SseOutput output, Ending ending) {
		this.ended = true;
		release();
		if (ending == CANCELLED) {
			return;
		}
		if (ending.frame() != null) {
			output.write(ending.frame());
		}
		output.flush();
		output.complete();
	}

	private void release() {
		Subscription subscription = this.subscription;
		if (subscription != null) {
			subscription.cancel();
		}
		this.resources.dispose();
	}

	private byte[] subscribedFrame(@Nullable Boolean recovered) {
		return Frames.utf8(this.handler.retryField() + "event: subscribed\ndata: {"
				+ Frames.subscribed(this.claims.channel(), this.claims.topics(), recovered) + "}\n\n");
	}

	private byte[] expiredFrame() {
		return Frames.utf8("event: expired\ndata: {" + Frames.channel(this.claims.channel()) + "}\n\n");
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
			logger.error("Realtime SSE stream of '" + this.claims.channel() + "' failed", ex);
		}
		String message = code.equals("internal") ? "Internal error" : ex.getMessage();
		return Frames.utf8("event: error\ndata: {" + Frames.error(code, message) + "}\n\n");
	}

	/**
	 * How a stream ends.
	 *
	 * @param frame the last frame, if any
	 * @param afterQueued whether the messages already received are written first
	 */
	private record Ending(byte @Nullable [] frame, boolean afterQueued) {

	}

}
