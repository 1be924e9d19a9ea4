package dev.realtime.server.webflux;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

import dev.realtime.InvalidPayloadException;
import dev.realtime.MessageKind;
import dev.realtime.engine.EngineEvent;
import dev.realtime.engine.EngineMessage;
import dev.realtime.engine.MessageId;
import dev.realtime.engine.RealtimeEngine;
import dev.realtime.engine.Replay;
import dev.realtime.engine.SlowSubscriberException;
import dev.realtime.engine.SubscriptionLostException;
import dev.realtime.token.InvalidTokenException;
import dev.realtime.token.RealtimeTokens;
import dev.realtime.token.TokenClaims;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.log.LogMessage;
import org.springframework.util.Assert;
import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.WebSocketSession;

/**
 * The realtime WebSocket protocol on {@code GET {base}/ws}: one connection carries
 * several channel subscriptions, each authorized by its own token, refreshed in-band.
 * Messages are written as pre-encoded frames shared by every subscriber; all
 * per-connection state lives inside {@link #handle(WebSocketSession)}.
 *
 * @author Realtime team
 * @since 0.1.0
 */
public final class RealtimeWebSocketHandler implements WebSocketHandler {

	private static final Log logger = LogFactory.getLog(RealtimeWebSocketHandler.class);

	private static final Function<EngineMessage, byte[]> MESSAGE_FRAME = RealtimeWebSocketHandler::encodeMessage;

	private static final CloseStatus SUBSCRIPTION_LOST = CloseStatus.SERVICE_RESTARTED
		.withReason("Subscription lost; resume");

	private final RealtimeEngine engine;

	private final RealtimeTokens tokens;

	private final ClientPublishing publishing;

	private final JsonMapper mapper;

	private final ShutdownSignal shutdown;

	private final Duration keepAlive;

	private final int maxSubscriptions;

	private final Clock clock;

	RealtimeWebSocketHandler(RealtimeEngine engine, RealtimeTokens tokens, ClientPublishing publishing,
			JsonMapper mapper, ShutdownSignal shutdown, Duration keepAlive, int maxSubscriptions, Clock clock) {
		Assert.notNull(engine, "'engine' must not be null");
		Assert.notNull(tokens, "'tokens' must not be null");
		Assert.isTrue(maxSubscriptions > 0, "'maxSubscriptions' must be positive");
		this.engine = engine;
		this.tokens = tokens;
		this.publishing = publishing;
		this.mapper = mapper;
		this.shutdown = shutdown;
		this.keepAlive = keepAlive;
		this.maxSubscriptions = maxSubscriptions;
		this.clock = clock;
	}

	@Override
	public Mono<Void> handle(WebSocketSession session) {
		Map<String, Subscription> subscriptions = new ConcurrentHashMap<>();
		Sinks.Many<Flux<WebSocketMessage>> streams = Sinks.many().unicast().onBackpressureBuffer();
		Sinks.Empty<Void> closed = Sinks.empty();
		AtomicBoolean active = new AtomicBoolean();
		Mono<Void> input = session.receive()
			.concatMap((message) -> handleFrame(session, message.getPayloadAsText(), subscriptions, streams))
			.then()
			.doFinally((signal) -> {
				subscriptions.values().forEach(Subscription::cancel);
				streams.tryEmitComplete();
				closed.tryEmitEmpty();
			});
		Flux<WebSocketMessage> pings = Flux.interval(this.keepAlive)
			.onBackpressureDrop()
			.filter((tick) -> !active.getAndSet(false))
			.map((tick) -> session.pingMessage((factory) -> factory.wrap(new byte[0])));
		Flux<WebSocketMessage> frames = streams.asFlux()
			.flatMap(Function.identity(), this.maxSubscriptions + 1)
			.doOnNext((frame) -> active.set(true));
		// on shutdown, stop writing and close with 1001: clients resume on another node
		Mono<Void> output = session
			.send(Flux.merge(frames, pings.takeUntilOther(closed.asMono())).takeUntilOther(this.shutdown.asMono()))
			.then(Mono.defer(() -> session.close(RealtimeCloseStatus.GOING_AWAY)));
		return input.and(output);
	}

	private Mono<Void> handleFrame(WebSocketSession session, String text, Map<String, Subscription> subscriptions,
			Sinks.Many<Flux<WebSocketMessage>> streams) {
		JsonNode frame;
		try {
			frame = this.mapper.readTree(text);
		}
		catch (JacksonException ex) {
			return reply(streams, session, error("bad_request", "Frame is not JSON", null));
		}
		String type = frame.path("type").asString("");
		String ref = frame.path("ref").isString() ? frame.path("ref").asString() : null;
		try {
			return switch (type) {
				case "subscribe" -> subscribe(session, frame, subscriptions, streams);
				case "unsubscribe" -> unsubscribe(frame, subscriptions);
				case "refresh" -> refresh(session, frame, subscriptions);
				case "publish" -> publish(session, frame, ref, subscriptions, streams);
				case "ping" -> reply(streams, session, "{\"type\":\"pong\"}");
				default -> reply(streams, session, error("bad_request", "Unknown frame type '" + type + "'", ref));
			};
		}
		catch (InvalidTokenException ex) {
			return session.close(RealtimeCloseStatus.INVALID_TOKEN.withReason(RealtimeProblems.message(ex)));
		}
		catch (IllegalArgumentException ex) {
			return reply(streams, session, error("bad_request", ex.getMessage(), ref));
		}
	}

	private Mono<Void> subscribe(WebSocketSession session, JsonNode frame, Map<String, Subscription> subscriptions,
			Sinks.Many<Flux<WebSocketMessage>> streams) {
		TokenClaims claims = this.tokens.verify(requiredText(frame, "token"));
		Replay replay = replay(frame);
		if (subscriptions.containsKey(claims.channel())) {
			return reply(streams, session, error("duplicate_subscription",
					"Already subscribed to '" + claims.channel() + "'; unsubscribe first or send a refresh", null));
		}
		if (subscriptions.size() >= this.maxSubscriptions) {
			return reply(streams, session,
					error("too_many_subscriptions",
							"At most " + this.maxSubscriptions
									+ " subscriptions per connection (realtime.limits.subscriptions-per-connection)",
							null));
		}
		Subscription subscription = new Subscription(claims);
		subscriptions.put(claims.channel(), subscription);
		Set<String> topics = claims.topics();
		Flux<WebSocketMessage> stream = this.engine.subscribe(claims.channel(), replay)
			.filter((event) -> !(event instanceof EngineMessage message) || message.kind() == MessageKind.RUN
					|| topics.contains(message.topic()))
			.map((event) -> (event instanceof EngineMessage message) ? frame(session, message.frame(MESSAGE_FRAME))
					: frame(session,
							Frames.utf8("{\"type\":\"subscribed\"," + Frames.subscribed(claims.channel(), topics,
									((EngineEvent.Subscribed) event).recovered()) + "}")))
			.mergeWith(subscription.expiry(this.clock).then(Mono.error(TokenExpiredException::new)))
			.takeUntilOther(subscription.cancelled.asMono())
			.onErrorResume((ex) -> session.close(closeStatus(claims.channel(), ex)).then(Mono.empty()))
			.doFinally((signal) -> subscriptions.remove(claims.channel(), subscription));
		streams.tryEmitNext(stream);
		return Mono.empty();
	}

	private Mono<Void> unsubscribe(JsonNode frame, Map<String, Subscription> subscriptions) {
		Subscription subscription = subscriptions.remove(requiredText(frame, "channel"));
		if (subscription != null) {
			subscription.cancel();
		}
		return Mono.empty();
	}

	private Mono<Void> refresh(WebSocketSession session, JsonNode frame, Map<String, Subscription> subscriptions) {
		TokenClaims claims = this.tokens.verify(requiredText(frame, "token"));
		Subscription subscription = subscriptions.get(claims.channel());
		if (subscription == null || !claims.topics().containsAll(subscription.claims.topics())) {
			return session
				.close(RealtimeCloseStatus.FORBIDDEN.withReason("Refresh token does not cover a current subscription"));
		}
		subscription.refresh(claims);
		return Mono.empty();
	}

	private Mono<Void> publish(WebSocketSession session, JsonNode frame, @Nullable String ref,
			Map<String, Subscription> subscriptions, Sinks.Many<Flux<WebSocketMessage>> streams) {
		String channel = requiredText(frame, "channel");
		String topic = requiredText(frame, "topic");
		Subscription subscription = subscriptions.get(channel);
		if (subscription == null) {
			return reply(streams, session,
					error("forbidden", "Subscribe to '" + channel + "' with a token granting publish first", ref));
		}
		return this.publishing.publish(subscription.claims, channel, topic, frame.path("data"))
			.map((message) -> "{\"type\":\"published\",\"id\":\"" + message.id() + "\""
					+ ((ref != null) ? ",\"ref\":" + Frames.string(new StringBuilder(), ref) : "") + "}")
			.onErrorResume((ex) -> Mono.just(publishError(ex, ref)))
			.flatMap((json) -> reply(streams, session, json));
	}

	private Mono<Void> reply(Sinks.Many<Flux<WebSocketMessage>> streams, WebSocketSession session, String json) {
		streams.tryEmitNext(Flux.just(frame(session, Frames.utf8(json))));
		return Mono.empty();
	}

	private static WebSocketMessage frame(WebSocketSession session, byte[] bytes) {
		return new WebSocketMessage(WebSocketMessage.Type.TEXT, session.bufferFactory().wrap(bytes));
	}

	private String publishError(Throwable ex, @Nullable String ref) {
		if (ex instanceof ForbiddenException) {
			return error("forbidden", ex.getMessage(), ref);
		}
		if (ex instanceof InvalidPayloadException invalid) {
			String errors = this.mapper.writeValueAsString(RealtimeProblems.errors(invalid));
			String json = error("invalid_payload", ex.getMessage(), ref);
			return json.substring(0, json.length() - 1) + ",\"errors\":" + errors + "}";
		}
		if (ex instanceof IllegalArgumentException || ex instanceof dev.realtime.RealtimeException) {
			return error("bad_request", ex.getMessage(), ref);
		}
		logger.error("Realtime WebSocket publish failed", ex);
		return error("internal", "Internal error", ref);
	}

	private static CloseStatus closeStatus(String channel, Throwable ex) {
		if (ex instanceof TokenExpiredException) {
			return RealtimeCloseStatus.TOKEN_EXPIRED;
		}
		if (ex instanceof SlowSubscriberException) {
			return RealtimeCloseStatus.TOO_SLOW;
		}
		if (ex instanceof SubscriptionLostException) {
			return SUBSCRIPTION_LOST;
		}
		logger.error(LogMessage.format("Realtime WebSocket subscription to '%s' failed", channel), ex);
		return CloseStatus.SERVER_ERROR;
	}

	private static String error(String code, @Nullable String message, @Nullable String ref) {
		return "{\"type\":\"error\"," + Frames.error(code, message)
				+ ((ref != null) ? ",\"ref\":" + Frames.string(new StringBuilder(), ref) : "") + "}";
	}

	private static String requiredText(JsonNode frame, String field) {
		JsonNode value = frame.get(field);
		if (value == null || !value.isString() || value.asString().isEmpty()) {
			if (field.equals("token")) {
				throw new InvalidTokenException("Missing token");
			}
			throw new IllegalArgumentException("Field '" + field + "' must be a non-empty string");
		}
		return value.asString();
	}

	private static Replay replay(JsonNode frame) {
		JsonNode lastEventId = frame.get("lastEventId");
		if (lastEventId != null && lastEventId.isString() && !lastEventId.asString().isEmpty()) {
			if (MessageId.parse(lastEventId.asString()) == null) {
				throw new IllegalArgumentException("Malformed lastEventId; send back an id the server sent");
			}
			return Replay.after(lastEventId.asString());
		}
		String history = frame.path("history").asString("all");
		if (!history.equals("all") && !history.equals("none")) {
			throw new IllegalArgumentException("Field 'history' must be 'all' or 'none'");
		}
		return history.equals("none") ? Replay.none() : Replay.all();
	}

	private static byte[] encodeMessage(EngineMessage message) {
		byte[] prefix = Frames.utf8("{\"type\":\"message\",\"message\":");
		byte[] envelope = message.envelope();
		byte[] frame = new byte[prefix.length + envelope.length + 1];
		System.arraycopy(prefix, 0, frame, 0, prefix.length);
		System.arraycopy(envelope, 0, frame, prefix.length, envelope.length);
		frame[frame.length - 1] = '}';
		return frame;
	}

	/**
	 * Ends a subscription whose token expired without a refresh.
	 */
	private static final class TokenExpiredException extends RuntimeException {

		TokenExpiredException() {
			super("Token expired", null, false, false);
		}

	}

	/**
	 * One channel subscription of a connection.
	 */
	private static final class Subscription {

		private final Sinks.Empty<Void> cancelled = Sinks.empty();

		private final Sinks.Many<Instant> expiries = Sinks.many().replay().latest();

		private volatile TokenClaims claims;

		Subscription(TokenClaims claims) {
			this.claims = claims;
			this.expiries.tryEmitNext(claims.expiresAt());
		}

		Mono<Long> expiry(Clock clock) {
			return this.expiries.asFlux().switchMap((at) -> {
				Duration delay = Duration.between(clock.instant(), at);
				return Mono.delay(delay.isNegative() ? Duration.ZERO : delay);
			}).next();
		}

		void refresh(TokenClaims claims) {
			this.claims = claims;
			this.expiries.tryEmitNext(claims.expiresAt());
		}

		void cancel() {
			this.cancelled.tryEmitEmpty();
		}

	}

}
