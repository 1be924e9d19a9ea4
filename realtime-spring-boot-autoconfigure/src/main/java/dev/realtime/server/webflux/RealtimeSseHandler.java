package dev.realtime.server.webflux;

import java.io.ByteArrayOutputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

import dev.realtime.MessageKind;
import dev.realtime.engine.EngineEvent;
import dev.realtime.engine.EngineMessage;
import dev.realtime.engine.MessageId;
import dev.realtime.engine.RealtimeEngine;
import dev.realtime.engine.Replay;
import dev.realtime.engine.SlowSubscriberException;
import dev.realtime.engine.SubscriptionLostException;
import dev.realtime.token.RealtimeTokens;
import dev.realtime.token.TokenClaims;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.util.Assert;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * Streams a channel as Server-Sent Events: {@code GET {base}/sse} with a subscription
 * token. The stream starts with {@code event: subscribed}, replays history (or resumes
 * after {@code Last-Event-ID}), then goes live; it ends with {@code event: expired} when
 * the token expires, {@code event: error} when the client is too slow, and a
 * {@code retry} hint when the application stops. Every subscriber writes the same
 * pre-encoded bytes of each message.
 *
 * @author Realtime team
 * @since 0.1.0
 */
public final class RealtimeSseHandler {

	private static final Log logger = LogFactory.getLog(RealtimeSseHandler.class);

	private static final byte[] KEEP_ALIVE = Frames.utf8(":\n\n");

	/** Marks the end of the stream inside the merged frames; never written. */
	private static final byte[] END = new byte[0];

	private static final Function<EngineMessage, byte[]> MESSAGE_FRAME = RealtimeSseHandler::encodeMessage;

	private final RealtimeEngine engine;

	private final RealtimeTokens tokens;

	private final ShutdownSignal shutdown;

	private final Duration keepAlive;

	private final String retryField;

	private final byte[] retryFrame;

	private final Clock clock;

	/**
	 * Create a new handler.
	 * @param engine the engine to subscribe to
	 * @param tokens verifies subscription tokens
	 * @param shutdown completes when the application stops
	 * @param keepAlive idle time after which a keep-alive comment is sent
	 * @param retry reconnection delay suggested to clients
	 * @param clock the clock for token expiry
	 */
	public RealtimeSseHandler(RealtimeEngine engine, RealtimeTokens tokens, ShutdownSignal shutdown, Duration keepAlive,
			Duration retry, Clock clock) {
		Assert.notNull(engine, "'engine' must not be null");
		Assert.notNull(tokens, "'tokens' must not be null");
		Assert.notNull(shutdown, "'shutdown' must not be null");
		Assert.isTrue(!keepAlive.isNegative() && !keepAlive.isZero(), "'keepAlive' must be positive");
		this.engine = engine;
		this.tokens = tokens;
		this.shutdown = shutdown;
		this.keepAlive = keepAlive;
		this.retryField = "retry: " + retry.toMillis() + "\n";
		this.retryFrame = Frames.utf8(this.retryField + "\n");
		this.clock = clock;
	}

	/**
	 * Handle a subscription request.
	 * @param request the request
	 * @return the event stream, or a problem response before the stream starts
	 */
	public Mono<ServerResponse> handleRequest(ServerRequest request) {
		TokenClaims claims;
		Replay replay;
		try {
			claims = this.tokens.verify(RequestTokens.require(request));
			replay = replay(request);
		}
		catch (RuntimeException ex) {
			return RealtimeProblems.of(ex);
		}
		return ServerResponse.ok()
			.contentType(MediaType.TEXT_EVENT_STREAM)
			.cacheControl(CacheControl.noStore())
			.header("X-Accel-Buffering", "no")
			.body((message, context) -> message.writeWith(stream(claims, replay, message.bufferFactory())));
	}

	private Flux<DataBuffer> stream(TokenClaims claims, Replay replay, DataBufferFactory bufferFactory) {
		AtomicBoolean active = new AtomicBoolean();
		Flux<byte[]> messages = this.engine.subscribe(claims.channel(), replay)
			.filter((event) -> !(event instanceof EngineMessage message) || message.kind() == MessageKind.RUN
					|| claims.topics().contains(message.topic()))
			.map((event) -> (event instanceof EngineMessage message) ? message.frame(MESSAGE_FRAME)
					: subscribedFrame(claims, ((EngineEvent.Subscribed) event).recovered()))
			.onErrorResume((ex) -> Mono.just(errorFrame(claims, ex)))
			.concatWith(Mono.just(END));
		Flux<byte[]> keepAlives = Flux.interval(this.keepAlive)
			.onBackpressureDrop()
			.filter((tick) -> !active.getAndSet(false))
			.map((tick) -> KEEP_ALIVE);
		Duration untilExpiry = Duration.between(this.clock.instant(), claims.expiresAt());
		Mono<byte[]> expired = Mono.delay(untilExpiry.isNegative() ? Duration.ZERO : untilExpiry)
			.map((tick) -> Frames.utf8("event: expired\ndata: {" + Frames.channel(claims.channel()) + "}\n\n"));
		Mono<byte[]> stopping = this.shutdown.asMono().then(Mono.fromSupplier(() -> this.retryFrame));
		Flux<byte[]> ending = Mono.firstWithValue(expired, stopping).concatWith(Mono.just(END));
		return Flux.merge(messages, keepAlives, ending)
			.takeUntil((frame) -> frame == END)
			.filter((frame) -> frame != END)
			.doOnNext((frame) -> active.set(true))
			.map(bufferFactory::wrap);
	}

	private byte[] subscribedFrame(TokenClaims claims, @Nullable Boolean recovered) {
		return Frames.utf8(this.retryField + "event: subscribed\ndata: {"
				+ Frames.subscribed(claims.channel(), claims.topics(), recovered) + "}\n\n");
	}

	private static byte[] errorFrame(TokenClaims claims, Throwable ex) {
		String code;
		if (ex instanceof SlowSubscriberException) {
			code = "slow_consumer";
		}
		else if (ex instanceof SubscriptionLostException) {
			code = "subscription_lost";
		}
		else {
			code = "internal";
			logger.error("Realtime SSE stream of '" + claims.channel() + "' failed", ex);
		}
		String message = code.equals("internal") ? "Internal error" : ex.getMessage();
		return Frames.utf8("event: error\ndata: {" + Frames.error(code, message) + "}\n\n");
	}

	private static Replay replay(ServerRequest request) {
		String lastEventId = request.headers().firstHeader("Last-Event-ID");
		if (lastEventId == null) {
			lastEventId = request.queryParam("lastEventId").orElse(null);
		}
		String history = request.queryParam("history").orElse("all");
		if (!history.equals("all") && !history.equals("none")) {
			throw new IllegalArgumentException("Query parameter 'history' must be 'all' or 'none'");
		}
		if (lastEventId != null && !lastEventId.isEmpty()) {
			if (MessageId.parse(lastEventId) == null) {
				throw new IllegalArgumentException("Malformed last event id; send back an id the server sent");
			}
			return Replay.after(lastEventId);
		}
		return history.equals("none") ? Replay.none() : Replay.all();
	}

	private static byte[] encodeMessage(EngineMessage message) {
		byte[] envelope = message.envelope();
		ByteArrayOutputStream out = new ByteArrayOutputStream(envelope.length + 48);
		out.writeBytes(Frames.utf8("id: " + message.id() + "\nevent: message\ndata: "));
		for (byte b : envelope) {
			if (b == '\n') {
				// a pretty-printing JsonMapper: each line of the envelope needs its own
				// data field
				out.writeBytes(Frames.utf8("\ndata: "));
			}
			else if (b != '\r') {
				out.write(b);
			}
		}
		out.writeBytes(Frames.utf8("\n\n"));
		return out.toByteArray();
	}

}
