package dev.realtime.server;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.realtime.InvalidPayloadException;
import dev.realtime.MessageTooLargeException;
import dev.realtime.PublishException;
import dev.realtime.RealtimeException;
import dev.realtime.delivery.ChannelClosedException;
import dev.realtime.delivery.ChannelStream;
import dev.realtime.delivery.SlowSubscriberException;
import dev.realtime.delivery.StreamLoop;
import dev.realtime.engine.EngineMessage;
import dev.realtime.engine.MessageId;
import dev.realtime.engine.Replay;
import dev.realtime.engine.SubscriptionLostException;
import dev.realtime.metrics.RealtimeStatistics.CloseReason;
import dev.realtime.metrics.RealtimeStatistics.Rejection;
import dev.realtime.metrics.RealtimeStatistics.Subscriber;
import dev.realtime.metrics.RealtimeStatistics.Transport;
import dev.realtime.presence.PresenceTracker;
import dev.realtime.run.RunCancellation;
import dev.realtime.token.InvalidTokenException;
import dev.realtime.token.TokenClaims;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

import org.springframework.core.log.LogMessage;

/**
 * One connection of the realtime WebSocket protocol: its channel subscriptions, each a
 * {@link ChannelStream} authorized by its own token, the frames the client sends, pings
 * when the connection is idle, and the close codes of the wire contract. Everything but
 * reading happens on the output's loop. A transport creates it with
 * {@link RealtimeHub#webSocketConnection}, starts it after the handshake, hands it each
 * frame the client sends, one at a time, and tells it when the client is gone.
 *
 * @author Realtime team
 * @since 0.1.0
 */
public final class WebSocketConnection implements OpenStreams.Stream {

	private static final Log logger = LogFactory.getLog(WebSocketConnection.class);

	private final RealtimeHub hub;

	private final WebSocketOutput output;

	private final Map<String, Subscription> subscriptions = new HashMap<>(4);

	/** The places this connection holds for the principals of its tokens. */
	private final Map<String, ConnectionLimits.Permit> principals = new HashMap<>(2);

	private boolean closed;

	/** Whether the connection was counted as open. */
	private boolean opened;

	/** Whether a frame was sent since the last ping check. */
	private boolean active;

	private long pingAt;

	WebSocketConnection(RealtimeHub hub, WebSocketOutput output) {
		this.hub = hub;
		this.output = output;
	}

	/**
	 * Start the connection: track it for token expiry, pings and shutdown.
	 */
	public void start() {
		loop().execute(() -> {
			this.pingAt = this.hub.clock().millis() + this.hub.webSocketKeepAlive().toMillis();
			if (!this.closed) {
				this.hub.statistics().connectionOpened(Transport.WEBSOCKET);
				this.opened = true;
			}
			this.hub.streams().add(this);
		});
	}

	@Override
	public StreamLoop loop() {
		return this.output.loop();
	}

	/**
	 * Decode the payload of a text frame strictly: RFC 6455 closes a connection whose
	 * text is not UTF-8.
	 * @param payload the payload
	 * @return the text, or {@code null} when it is not UTF-8
	 */
	public static @Nullable String text(ByteBuffer payload) {
		try {
			return StandardCharsets.UTF_8.newDecoder().decode(payload).toString();
		}
		catch (CharacterCodingException ex) {
			return null;
		}
	}

	/**
	 * Handle a binary frame from the client, which the protocol does not use: the
	 * connection closes with {@code 1003}.
	 * @return completes when the frame was handled
	 */
	public Mono<Void> onBinary() {
		return Mono.create((done) -> loop().execute(() -> {
			if (!this.closed) {
				logger.debug("Closing a WebSocket connection whose client sent a binary frame");
				closeOnLoop(RealtimeCloseStatus.NOT_TEXT);
			}
			done.success();
		}));
	}

	/**
	 * Handle a text frame from the client. A transport reads the next frame when the
	 * returned {@code Mono} completes, so that frames are handled one at a time, in
	 * order.
	 * @param text the frame's text, or {@code null} when it is not UTF-8
	 * @return completes when the frame was handled
	 */
	public Mono<Void> onText(@Nullable String text) {
		return onFrame(text);
	}

	/**
	 * Close the connection with a status of the transport's choosing, such as when the
	 * client sends more than the transport takes.
	 * @param status the close status
	 */
	public void close(RealtimeCloseStatus status) {
		loop().execute(() -> closeOnLoop(status));
	}

	/**
	 * Let go of everything the connection holds, because the client is gone or the
	 * connection closed.
	 */
	public void disconnected() {
		loop().execute(() -> {
			counted(CloseReason.CLIENT);
			leaveAll();
		});
	}

	private Mono<Void> onFrame(@Nullable String text) {
		return Mono.create((done) -> loop().execute(() -> {
			if (this.closed) {
				done.success();
				return;
			}
			if (text == null) {
				logger.debug("Closing a WebSocket connection whose client sent a text frame that is not UTF-8");
				closeOnLoop(RealtimeCloseStatus.NOT_UTF8);
				done.success();
				return;
			}
			try {
				handleFrame(text, done);
			}
			catch (RuntimeException ex) {
				done.error(ex);
			}
		}));
	}

	private void handleFrame(String text, MonoSink<Void> done) {
		JsonNode frame;
		try {
			frame = this.hub.mapper().readTree(text);
		}
		catch (JacksonException ex) {
			reply(new Frames.ErrorFrame("bad_request", "Frame is not JSON", null));
			done.success();
			return;
		}
		if (!frame.isObject()) {
			reply(new Frames.ErrorFrame("bad_request", "Frame must be a JSON object", null));
			done.success();
			return;
		}
		String ref = null;
		try {
			String type = optionalText(frame, "type");
			ref = optionalText(frame, "ref");
			switch ((type != null) ? type : "") {
				case "subscribe" -> subscribe(frame);
				case "unsubscribe" -> unsubscribe(frame);
				case "refresh" -> refresh(frame);
				case "publish" -> {
					publish(frame, ref, done);
					return;
				}
				case "cancel" -> {
					cancel(frame, ref, done);
					return;
				}
				case "presence" -> {
					presence(frame, ref, done);
					return;
				}
				case "ping" -> reply(this.hub.frames().pong());
				default -> reply(new Frames.ErrorFrame("bad_request",
						"Unknown frame type '" + ((type != null) ? type : "") + "'", ref));
			}
		}
		catch (InvalidTokenException ex) {
			closeOnLoop(RealtimeCloseStatus.INVALID_TOKEN.withReason(RealtimeProblems.message(ex)));
		}
		catch (IllegalArgumentException ex) {
			reply(new Frames.ErrorFrame("bad_request", ex.getMessage(), ref));
		}
		done.success();
	}

	private void subscribe(JsonNode frame) {
		TokenClaims claims = this.hub.verify(requiredText(frame, "token"));
		Replay replay = replay(frame);
		if (this.subscriptions.containsKey(claims.channel())) {
			reply(new Frames.ErrorFrame("duplicate_subscription",
					"Already subscribed to '" + claims.channel() + "'; unsubscribe first or send a refresh", null));
			return;
		}
		int max = this.hub.subscriptionsPerConnection();
		if (this.subscriptions.size() >= max) {
			this.hub.statistics().subscriptionRejected(Rejection.CAP);
			reply(new Frames.ErrorFrame("too_many_subscriptions",
					"At most " + max + " subscriptions per connection (realtime.limits.subscriptions-per-connection)",
					null));
			return;
		}
		ConnectionLimits.Permit permit;
		try {
			permit = take(claims);
		}
		catch (TooManyConnectionsException ex) {
			reply(new Frames.ErrorFrame(ex.code(), ex.getMessage(), null));
			return;
		}
		Subscription subscription = new Subscription(claims, replay, permit);
		this.subscriptions.put(claims.channel(), subscription);
		subscription.stream.join();
	}

	// a stream's place for the token, and once per connection a place for its principal
	private ConnectionLimits.Permit take(TokenClaims claims) {
		ConnectionLimits limits = this.hub.limits();
		ConnectionLimits.Permit stream = limits.stream(claims.id());
		String principal = claims.subject();
		if (principal != null && !this.principals.containsKey(principal)) {
			try {
				this.principals.put(principal, limits.connection(principal));
			}
			catch (TooManyConnectionsException ex) {
				stream.release();
				throw ex;
			}
		}
		return stream;
	}

	private void unsubscribe(JsonNode frame) {
		Subscription subscription = this.subscriptions.remove(requiredText(frame, "channel"));
		if (subscription != null) {
			subscription.leave();
		}
	}

	private void refresh(JsonNode frame) {
		TokenClaims claims = this.hub.verify(requiredText(frame, "token"));
		Subscription subscription = this.subscriptions.get(claims.channel());
		if (subscription == null || !claims.topics().containsAll(subscription.claims.topics())) {
			closeOnLoop(
					RealtimeCloseStatus.FORBIDDEN.withReason("Refresh token does not cover a current subscription"));
			return;
		}
		subscription.refresh(claims);
	}

	private void publish(JsonNode frame, @Nullable String ref, MonoSink<Void> done) {
		String channel = requiredText(frame, "channel");
		String topic = requiredText(frame, "topic");
		Subscription subscription = this.subscriptions.get(channel);
		if (subscription == null) {
			reply(new Frames.ErrorFrame("forbidden",
					"Subscribe to '" + channel + "' with a token granting publish first", ref));
			done.success();
			return;
		}
		this.hub.publishing()
			.publish(subscription.claims, channel, topic, frame.path("data"))
			.map((message) -> publishAnswer(message, ref))
			.onErrorResume((ex) -> Mono.just(requestError(ex, ref)))
			.subscribe((answer) -> loop().execute(() -> {
				reply(answer);
				done.success();
			}));
	}

	private void cancel(JsonNode frame, @Nullable String ref, MonoSink<Void> done) {
		String channel = requiredText(frame, "channel");
		String runId = requiredText(frame, "runId");
		ClientCancelling cancelling = this.hub.cancelling();
		Subscription subscription = this.subscriptions.get(channel);
		if (cancelling == null) {
			reply(new Frames.ErrorFrame("forbidden", "Runs are not enabled", ref));
			done.success();
			return;
		}
		if (subscription == null) {
			reply(new Frames.ErrorFrame("forbidden",
					"Subscribe to '" + channel + "' with a token granting cancel first", ref));
			done.success();
			return;
		}
		cancelling.cancel(subscription.claims, channel, runId)
			.map((outcome) -> cancelAnswer(channel, runId, outcome, ref))
			.onErrorResume((ex) -> Mono.just(requestError(ex, ref)))
			.subscribe((answer) -> loop().execute(() -> {
				reply(answer);
				done.success();
			}));
	}

	private void presence(JsonNode frame, @Nullable String ref, MonoSink<Void> done) {
		String channel = requiredText(frame, "channel");
		Subscription subscription = this.subscriptions.get(channel);
		if (subscription == null) {
			reply(new Frames.ErrorFrame("forbidden",
					"Subscribe to '" + channel + "' with a token granting presence first", ref));
			done.success();
			return;
		}
		this.hub
			.presence(subscription.claims, channel).<Frames
					.WebSocketFrame>map((presence) -> new Frames.PresenceFrame(presence, ref))
			.onErrorResume((ex) -> Mono.just(requestError(ex, ref)))
			.subscribe((answer) -> loop().execute(() -> {
				reply(answer);
				done.success();
			}));
	}

	private static Frames.WebSocketFrame publishAnswer(EngineMessage message, @Nullable String ref) {
		return new Frames.PublishedFrame(message.id().toString(), ref);
	}

	private static Frames.WebSocketFrame cancelAnswer(String channel, String runId, RunCancellation outcome,
			@Nullable String ref) {
		if (outcome == RunCancellation.ALREADY_ENDED) {
			return new Frames.ErrorFrame("run_ended", "Run '" + runId + "' has already ended", ref);
		}
		if (outcome == RunCancellation.UNKNOWN) {
			return new Frames.ErrorFrame("unknown_run", "No run '" + runId + "' is known on channel '" + channel + "'",
					ref);
		}
		return new Frames.CancelledFrame(runId, outcome.name().toLowerCase(Locale.ROOT), ref);
	}

	private Frames.ErrorFrame requestError(Throwable ex, @Nullable String ref) {
		if (ex instanceof ForbiddenException) {
			return new Frames.ErrorFrame("forbidden", ex.getMessage(), ref);
		}
		if (ex instanceof InvalidPayloadException invalid) {
			return new Frames.ErrorFrame("invalid_payload", ex.getMessage(), ref, RealtimeProblems.errors(invalid));
		}
		if (ex instanceof MessageTooLargeException) {
			return new Frames.ErrorFrame("too_large", ex.getMessage(), ref);
		}
		if (ex instanceof PublishException || ex instanceof UnavailableException) {
			// the engine's failure, not the client's: it may try again
			logger.warn(LogMessage.format("Realtime WebSocket request failed: %s", ex.getMessage()));
			return new Frames.ErrorFrame("unavailable", ex.getMessage(), ref);
		}
		if (ex instanceof IllegalArgumentException || ex instanceof RealtimeException) {
			return new Frames.ErrorFrame("bad_request", ex.getMessage(), ref);
		}
		logger.error("Realtime WebSocket publish failed", ex);
		return new Frames.ErrorFrame("internal", "Internal error", ref);
	}

	private void reply(Frames.WebSocketFrame frame) {
		if (!this.closed) {
			reply(this.hub.frames().json(frame));
		}
	}

	private void reply(byte[] json) {
		if (!this.closed) {
			this.output.writeText(json);
			flush();
		}
	}

	private void flush() {
		this.active = true;
		this.output.flush();
	}

	@Override
	public boolean tick(long now) {
		if (this.closed) {
			return false;
		}
		for (Subscription subscription : this.subscriptions.values()) {
			if (now >= subscription.expiresAt) {
				closeOnLoop(RealtimeCloseStatus.TOKEN_EXPIRED);
				return false;
			}
		}
		if (now >= this.pingAt) {
			this.pingAt = now + this.hub.webSocketKeepAlive().toMillis();
			if (!this.active) {
				this.output.ping();
				this.output.flush();
			}
			this.active = false;
		}
		return true;
	}

	@Override
	public void shutdown() {
		// clients resume on another node
		closeOnLoop(RealtimeCloseStatus.GOING_AWAY);
	}

	private void closeOnLoop(RealtimeCloseStatus status) {
		closeOnLoop(status, closeReason(status));
	}

	private void closeOnLoop(RealtimeCloseStatus status, CloseReason reason) {
		if (!this.closed) {
			counted(reason);
			leaveAll();
			this.output.close(status);
		}
	}

	// counts the connection closed, once, if it was counted open
	private void counted(CloseReason reason) {
		if (this.opened && !this.closed) {
			this.hub.statistics().connectionClosed(Transport.WEBSOCKET, reason);
		}
	}

	private static CloseReason closeReason(RealtimeCloseStatus status) {
		return switch (status.code()) {
			case 1001 -> CloseReason.SHUTDOWN;
			case 4408 -> CloseReason.EXPIRED;
			case 4429 -> CloseReason.SLOW_CONSUMER;
			case 1012 -> CloseReason.SUBSCRIPTION_LOST;
			case 1011 -> CloseReason.ERROR;
			default -> CloseReason.PROTOCOL;
		};
	}

	private void leaveAll() {
		this.closed = true;
		List<Subscription> subscriptions = new ArrayList<>(this.subscriptions.values());
		this.subscriptions.clear();
		for (Subscription subscription : subscriptions) {
			subscription.leave();
		}
		this.principals.values().forEach(ConnectionLimits.Permit::release);
		this.principals.clear();
	}

	private static RealtimeCloseStatus closeStatus(String channel, Throwable ex) {
		if (ex instanceof SlowSubscriberException) {
			return RealtimeCloseStatus.TOO_SLOW;
		}
		if (ex instanceof SubscriptionLostException) {
			return RealtimeCloseStatus.SUBSCRIPTION_LOST;
		}
		if (ex instanceof ChannelClosedException) {
			return RealtimeCloseStatus.FORBIDDEN.withReason(String.valueOf(ex.getMessage()));
		}
		logger.error(LogMessage.format("Realtime WebSocket subscription to '%s' failed", channel), ex);
		return RealtimeCloseStatus.SERVER_ERROR;
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

	// null when the field is missing or null
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

	/**
	 * One channel subscription of the connection.
	 */
	private final class Subscription implements ChannelStream.Client {

		private final ChannelStream stream;

		/** The subscription's place for the token it subscribed with. */
		private final ConnectionLimits.Permit permit;

		private TokenClaims claims;

		private long expiresAt;

		/**
		 * Whether the channel tracks presence, which the subscription enters once live.
		 */
		private final boolean tracksPresence;

		/** The subscription's presence on its channel, from when it is live. */
		private PresenceTracker.@Nullable Presence presence;

		Subscription(TokenClaims claims, Replay replay, ConnectionLimits.Permit permit) {
			this.permit = permit;
			this.claims = claims;
			this.expiresAt = claims.expiresAt().toEpochMilli();
			this.tracksPresence = WebSocketConnection.this.hub.tracksPresence(claims.channel());
			this.stream = new ChannelStream(this, claims.channel(), claims.streamTopics(), replay,
					WebSocketConnection.this.hub.fanOut());
		}

		void leave() {
			this.stream.close();
			ended();
		}

		// gives back the subscription's place and its presence
		private void ended() {
			this.permit.release();
			PresenceTracker.Presence presence = this.presence;
			if (presence != null) {
				presence.exit();
			}
		}

		void refresh(TokenClaims claims) {
			this.claims = claims;
			this.expiresAt = claims.expiresAt().toEpochMilli();
			this.stream.topics(claims.streamTopics());
		}

		@Override
		public Subscriber subscriber() {
			return Subscriber.WEBSOCKET;
		}

		@Override
		public StreamLoop loop() {
			return WebSocketConnection.this.loop();
		}

		@Override
		public void subscribed(@Nullable Boolean recovered) {
			// once live: the join it may cause reaches this subscription too
			if (this.tracksPresence && this.presence == null) {
				this.presence = WebSocketConnection.this.hub.enterPresence(this.claims);
			}
			WebSocketConnection.this.output.writeText(WebSocketConnection.this.hub.frames()
				.json(new Frames.SubscribedFrame(this.stream.channel(), this.stream.topics(), recovered)));
		}

		@Override
		public void write(EngineMessage message) {
			WebSocketConnection.this.output.writeMessage(message);
		}

		@Override
		public void flush() {
			WebSocketConnection.this.flush();
		}

		@Override
		public boolean isWritable() {
			return WebSocketConnection.this.output.isWritable();
		}

		@Override
		public void whenWritable(Runnable task) {
			WebSocketConnection.this.output.whenWritable(task);
		}

		@Override
		public void failed(Throwable error) {
			closeOnLoop(closeStatus(this.stream.channel(), error), SseSession.closeReason(error));
		}

		@Override
		public void completed() {
			WebSocketConnection.this.subscriptions.remove(this.stream.channel(), this);
			ended();
		}

	}

}
