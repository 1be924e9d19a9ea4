package dev.realtime.server.webflux;

import java.time.Clock;
import java.time.Duration;
import java.util.function.Function;

import dev.realtime.engine.EngineMessage;
import dev.realtime.engine.MessageId;
import dev.realtime.engine.RealtimeEngine;
import dev.realtime.engine.Replay;
import dev.realtime.token.InvalidTokenException;
import dev.realtime.token.RealtimeTokens;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.util.Assert;
import org.springframework.util.ClassUtils;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.WebSocketSession;
import org.springframework.web.server.ServerWebExchange;

/**
 * The realtime WebSocket protocol on {@code GET {base}/ws}: one connection carries
 * several channel subscriptions, each authorized by its own token, refreshed in-band.
 * Messages are written as pre-encoded frames shared by every subscriber; the state of
 * each connection lives in its {@link WebSocketConnection}.
 *
 * @author Realtime team
 * @since 0.1.0
 */
public final class RealtimeWebSocketHandler implements WebSocketHandler {

	private static final boolean REACTOR_NETTY_PRESENT = ClassUtils.isPresent("reactor.netty.Connection",
			RealtimeWebSocketHandler.class.getClassLoader());

	/** Encodes the JSON of a message's {@code message} frame, once per message. */
	static final Function<EngineMessage, byte[]> MESSAGE_JSON = RealtimeWebSocketHandler::encodeMessage;

	private final RealtimeEngine engine;

	private final RealtimeTokens tokens;

	private final ClientPublishing publishing;

	private final @Nullable ClientCancelling cancelling;

	private final JsonMapper mapper;

	private final Frames frames;

	private final LocalFanOut fanOut;

	private final OpenStreams streams;

	private final ConnectionLimits limits;

	private final Duration keepAlive;

	private final int maxSubscriptions;

	private final int capacity;

	private final Clock clock;

	RealtimeWebSocketHandler(RealtimeEngine engine, RealtimeTokens tokens, ClientPublishing publishing,
			@Nullable ClientCancelling cancelling, JsonMapper mapper, LocalFanOut fanOut, OpenStreams streams,
			ConnectionLimits limits, Duration keepAlive, int maxSubscriptions, int capacity, Clock clock) {
		Assert.notNull(engine, "'engine' must not be null");
		Assert.notNull(tokens, "'tokens' must not be null");
		Assert.notNull(mapper, "'mapper' must not be null");
		Assert.isTrue(!keepAlive.isNegative() && !keepAlive.isZero(), "'keepAlive' must be positive");
		Assert.isTrue(maxSubscriptions > 0, "'maxSubscriptions' must be positive");
		this.engine = engine;
		this.tokens = tokens;
		this.publishing = publishing;
		this.cancelling = cancelling;
		this.mapper = mapper;
		this.frames = new Frames(mapper);
		this.fanOut = fanOut;
		this.streams = streams;
		this.limits = limits;
		this.keepAlive = keepAlive;
		this.maxSubscriptions = maxSubscriptions;
		this.capacity = capacity;
		this.clock = clock;
	}

	/**
	 * Return the handler of one handshake. On Reactor Netty, it writes straight to the
	 * handshake's channel.
	 * @param exchange the handshake
	 * @return the handler
	 */
	WebSocketHandler handlerFor(ServerWebExchange exchange) {
		if (!REACTOR_NETTY_PRESENT) {
			return this;
		}
		return (session) -> {
			// after the handshake, on the channel it upgraded
			Function<WebSocketSession, @Nullable WebSocketOutput> outputs = NettyWebSocketOutput.outputs(exchange,
					this.fanOut.writeTimeout());
			WebSocketOutput output = (outputs != null) ? outputs.apply(session) : null;
			return (output != null) ? new WebSocketConnection(this, session, output).run() : handle(session);
		};
	}

	@Override
	public Mono<Void> handle(WebSocketSession session) {
		// the connection starts when the session subscribes to what it sends; when the
		// client goes first, sending ends too
		Sinks.Empty<Void> reading = Sinks.empty();
		Mono<Void> sending = FluxWebSocketOutput.send(this.streams.workerLoop(), session, this.fanOut.writeTimeout(),
				(output) -> new WebSocketConnection(this, session, output).run()
					.subscribe(null, reading::tryEmitError, reading::tryEmitEmpty));
		return sending.or(reading.asMono());
	}

	RealtimeEngine engine() {
		return this.engine;
	}

	RealtimeTokens tokens() {
		return this.tokens;
	}

	ClientPublishing publishing() {
		return this.publishing;
	}

	@Nullable ClientCancelling cancelling() {
		return this.cancelling;
	}

	JsonMapper mapper() {
		return this.mapper;
	}

	Frames frames() {
		return this.frames;
	}

	LocalFanOut fanOut() {
		return this.fanOut;
	}

	OpenStreams streams() {
		return this.streams;
	}

	ConnectionLimits limits() {
		return this.limits;
	}

	Duration keepAlive() {
		return this.keepAlive;
	}

	int maxSubscriptions() {
		return this.maxSubscriptions;
	}

	int capacity() {
		return this.capacity;
	}

	Clock clock() {
		return this.clock;
	}

	static String requiredText(JsonNode frame, String field) {
		JsonNode value = frame.get(field);
		if (value == null || value.isNull() || (value.isString() && value.asString().isEmpty())) {
			if (field.equals("token")) {
				throw new InvalidTokenException("Missing token");
			}
			throw new IllegalArgumentException("Field '" + field + "' must be a non-empty string");
		}
		if (!value.isString()) {
			throw new IllegalArgumentException("Field '" + field + "' must be a non-empty string");
		}
		return value.asString();
	}

	/**
	 * Return an optional string field of a frame.
	 * @param frame the frame
	 * @param field the field's name
	 * @return the value, or {@code null} when the field is missing or {@code null}
	 * @throws IllegalArgumentException if the field is not a string
	 */
	static @Nullable String optionalText(JsonNode frame, String field) {
		JsonNode value = frame.get(field);
		if (value == null || value.isNull()) {
			return null;
		}
		if (!value.isString()) {
			throw new IllegalArgumentException("Field '" + field + "' must be a string");
		}
		return value.asString();
	}

	static Replay replay(JsonNode frame) {
		String lastEventId = optionalText(frame, "lastEventId");
		if (lastEventId != null && !lastEventId.isEmpty()) {
			if (MessageId.parse(lastEventId) == null) {
				throw new IllegalArgumentException("Malformed lastEventId; send back an id the server sent");
			}
			return Replay.after(lastEventId);
		}
		JsonNode history = frame.get("history");
		if (history == null || history.isNull()) {
			return Replay.all();
		}
		if (!history.isString() || !(history.asString().equals("all") || history.asString().equals("none"))) {
			throw new IllegalArgumentException("Field 'history' must be 'all' or 'none'");
		}
		return history.asString().equals("none") ? Replay.none() : Replay.all();
	}

	// not a control frame: a constant prefix around the envelope, which is JSON already,
	// built once per message and shared by every subscriber instead of written per
	// connection with the mapper
	private static byte[] encodeMessage(EngineMessage message) {
		byte[] prefix = Frames.utf8("{\"type\":\"message\",\"message\":");
		byte[] envelope = message.envelope();
		byte[] frame = new byte[prefix.length + envelope.length + 1];
		System.arraycopy(prefix, 0, frame, 0, prefix.length);
		System.arraycopy(envelope, 0, frame, prefix.length, envelope.length);
		frame[frame.length - 1] = '}';
		return frame;
	}

}
