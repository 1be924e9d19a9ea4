package dev.realtime.server;

import java.security.Principal;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

import dev.realtime.Channel;
import dev.realtime.ChannelCatalog;
import dev.realtime.ChannelDefinition;
import dev.realtime.InvalidChannelException;
import dev.realtime.PresenceSnapshot;
import dev.realtime.delivery.LocalFanOut;
import dev.realtime.delivery.StreamLoop;
import dev.realtime.engine.MessageId;
import dev.realtime.engine.Replay;
import dev.realtime.metrics.RealtimeObservation;
import dev.realtime.metrics.RealtimeStatistics;
import dev.realtime.metrics.RealtimeStatistics.Rejection;
import dev.realtime.metrics.RealtimeStatistics.TokenFailure;
import dev.realtime.presence.PresenceTracker;
import dev.realtime.run.RealtimeRuns;
import dev.realtime.run.RunCancellation;
import dev.realtime.support.PayloadCodec;
import dev.realtime.support.RealtimeTemplate;
import dev.realtime.token.ChannelAccessRequest;
import dev.realtime.token.ChannelAuthorization;
import dev.realtime.token.InvalidTokenException;
import dev.realtime.token.PresenceInfoResolver;
import dev.realtime.token.RealtimeTokens;
import dev.realtime.token.StreamTicket;
import dev.realtime.token.StreamTickets;
import dev.realtime.token.SubscriptionToken;
import dev.realtime.token.TokenClaims;
import dev.realtime.token.TokenRequest;
import io.micrometer.observation.ObservationRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.log.LogMessage;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.Authentication;
import org.springframework.util.Assert;
import org.springframework.util.StringUtils;

/**
 * The transport-neutral core of the realtime endpoints, shared by every web stack: it
 * mints tokens, publishes and cancels for browsers, and opens Server-Sent Events streams
 * and WebSocket connections on one fan-out per node, with one engine subscription per
 * channel and one bounded queue per subscriber. A transport reads requests and writes
 * responses in its web stack's types and hands everything else to the hub; what a request
 * gets wrong surfaces as an exception that {@link RealtimeProblems} turns into the
 * problem of the wire contract.
 *
 * @author Realtime team
 * @since 0.1.0
 */
public final class RealtimeHub {

	private static final Log logger = LogFactory.getLog(RealtimeHub.class);

	private static final int MAX_SHOWN_NAME = 100;

	private final RealtimeTokens tokens;

	private final ChannelCatalog catalog;

	private final ChannelAuthorization authorization;

	private final @Nullable StreamTickets tickets;

	private final ClientPublishing publishing;

	private final @Nullable ClientCancelling cancelling;

	private final JsonMapper mapper;

	private final Frames frames;

	private final LocalFanOut fanOut;

	private final OpenStreams streams;

	private final ConnectionLimits limits;

	private final ClientAssets assets;

	private final Duration sseKeepAlive;

	private final String sseRetryField;

	private final byte[] sseRetryFrame;

	private final Duration webSocketKeepAlive;

	private final int subscriptionsPerConnection;

	private final int maxRequestSize;

	private final int maxPublishRequestSize;

	private final Clock clock;

	private final ObservationRegistry observationRegistry;

	private final @Nullable PresenceTracker presence;

	private final PresenceInfoResolver presenceInfo;

	private RealtimeHub(Builder builder, ChannelAuthorization authorization, PayloadCodec codec, JsonMapper mapper) {
		this.tokens = builder.tokens;
		this.catalog = builder.catalog;
		this.authorization = authorization;
		this.tickets = builder.tickets;
		this.publishing = new ClientPublishing(builder.catalog, codec, builder.template);
		this.cancelling = (builder.runs != null) ? new ClientCancelling(builder.catalog, builder.runs) : null;
		this.mapper = mapper;
		this.frames = new Frames(mapper);
		this.fanOut = builder.fanOut;
		this.streams = new OpenStreams(tick(builder.sseKeepAlive, builder.webSocketKeepAlive), builder.clock,
				builder.shutdown);
		this.limits = new ConnectionLimits(builder.streamsPerToken, builder.connectionsPerPrincipal,
				builder.fanOut.statistics());
		this.assets = new ClientAssets(builder.classLoader);
		this.sseKeepAlive = builder.sseKeepAlive;
		this.sseRetryField = "retry: " + builder.sseRetry.toMillis() + "\n";
		this.sseRetryFrame = Frames.utf8(this.sseRetryField + "\n");
		this.webSocketKeepAlive = builder.webSocketKeepAlive;
		this.subscriptionsPerConnection = builder.subscriptionsPerConnection;
		this.maxRequestSize = builder.maxRequestSize;
		// a publish request carries a payload of up to the message size, plus its
		// channel, topic and JSON punctuation, which get a token request's allowance
		this.maxPublishRequestSize = (int) Math.min(Integer.MAX_VALUE,
				(long) builder.maxRequestSize + builder.maxMessageSize);
		this.clock = builder.clock;
		this.observationRegistry = builder.observationRegistry;
		// without a channel that tracks presence, there is no presence to serve
		this.presence = builder.catalog.definitions().stream().anyMatch(ChannelDefinition::presence) ? builder.presence
				: null;
		this.presenceInfo = builder.presenceInfo;
	}

	// how often open streams are checked for token expiry and keep-alives: every second,
	// or more often for shorter keep-alives
	private static Duration tick(Duration sseKeepAlive, Duration webSocketKeepAlive) {
		Duration tick = Duration.ofSeconds(1);
		for (Duration keepAlive : List.of(sseKeepAlive, webSocketKeepAlive)) {
			Duration half = keepAlive.dividedBy(2);
			if (half.compareTo(tick) < 0) {
				tick = half;
			}
		}
		return (tick.toMillis() < 10) ? Duration.ofMillis(10) : tick;
	}

	/**
	 * Start building a hub.
	 * @param fanOut the fan-out of this node, which delivers the engine's messages
	 * @param tokens mints and verifies subscription tokens
	 * @param catalog the channels
	 * @param template publishes what browsers send
	 * @return the builder
	 */
	public static Builder builder(LocalFanOut fanOut, RealtimeTokens tokens, ChannelCatalog catalog,
			RealtimeTemplate template) {
		return new Builder(fanOut, tokens, catalog, template);
	}

	/**
	 * Mint a subscription token: {@code POST {base}/token}.
	 * @param body the request body,
	 * {@code {"channel":…,"topics":[…],"publish":[…],"cancel":true,"presence":true}}
	 * @param principal the caller, as the application's security authenticated it
	 * @return the token, or an error: {@link ForbiddenException} when the rule denies an
	 * authenticated caller, {@link AuthenticationRequiredException} when it denies an
	 * anonymous one, {@link IllegalArgumentException} or {@link InvalidChannelException}
	 * for a malformed request
	 */
	public Mono<SubscriptionToken> mintToken(JsonNode body, @Nullable Principal principal) {
		Mono<SubscriptionToken> mint = Mono.defer(() -> {
			Authentication authentication = authentication(principal);
			String channelName = RequestBodies.text(body, "channel");
			Set<String> topics = RequestBodies.names(body, "topics");
			Set<String> publish = RequestBodies.names(body, "publish");
			boolean cancel = RequestBodies.flag(body, "cancel");
			boolean presence = RequestBodies.flag(body, "presence");
			Channel channel = resolve(channelName);
			topics.forEach((topic) -> channel.definition().topic(topic));
			publish.forEach((topic) -> channel.definition().topic(topic));
			if (presence && !channel.definition().presence()) {
				throw new IllegalArgumentException("Channel '" + channelName + "' does not track presence");
			}
			ChannelAccessRequest access = new ChannelAccessRequest(authentication, channel, topics, publish, cancel,
					presence);
			return this.authorization.authorize(access).map((decision) -> switch (decision) {
				case GRANTED -> this.tokens.mint(new TokenRequest(channelName, topics, publish, cancel, null,
						subject(authentication), presence, (channel.definition().presence() && authentication != null)
								? this.presenceInfo.info(authentication, channel) : Map.of()));
				case DENIED -> throw (authentication != null)
						? new ForbiddenException("Access to channel '" + channelName + "' is denied")
						: new AuthenticationRequiredException(
								"Authentication is required for channel '" + channelName + "'");
				case NO_RULE -> throw new ForbiddenException(ChannelAuthorization.NO_RULE_MESSAGE);
			});
		}).doOnSuccess((token) -> statistics().tokenMinted()).doOnError(this::countDenial);
		JsonNode channel = body.path("channel");
		return RealtimeObservation.TOKEN_MINT.observe(this.observationRegistry,
				channel.isString() ? channel.asString() : "", mint, UnaryOperator.identity());
	}

	private void countDenial(Throwable ex) {
		Rejection reason;
		if (ex instanceof AuthenticationRequiredException) {
			reason = Rejection.UNAUTHENTICATED;
		}
		else if (ex instanceof ForbiddenException) {
			reason = Rejection.FORBIDDEN;
		}
		else if (ex instanceof IllegalArgumentException || ex instanceof InvalidChannelException) {
			reason = Rejection.INVALID;
		}
		else {
			return;
		}
		statistics().tokenDenied(reason);
	}

	// the catalog's message lists every declared channel: for the logs, not for callers
	private Channel resolve(String channelName) {
		try {
			return this.catalog.resolve(channelName);
		}
		catch (InvalidChannelException ex) {
			logger.debug(LogMessage.format("Token refused: %s", ex.getMessage()));
			throw new InvalidChannelException("Unknown channel '" + shown(channelName) + "'");
		}
	}

	// a name from a request, short and printable enough for an answer
	private static String shown(String name) {
		String shown = (name.length() > MAX_SHOWN_NAME) ? name.substring(0, MAX_SHOWN_NAME) + "…" : name;
		return shown.replaceAll("\\p{Cntrl}", "?");
	}

	private static @Nullable String subject(@Nullable Authentication authentication) {
		return (authentication != null && StringUtils.hasText(authentication.getName())) ? authentication.getName()
				: null;
	}

	private static @Nullable Authentication authentication(@Nullable Principal principal) {
		return (principal instanceof Authentication authentication && authentication.isAuthenticated()) ? authentication
				: null;
	}

	/**
	 * Publish what a browser sends: {@code POST {base}/publish}.
	 * @param claims the claims of the request's token, {@link #verify verified} before
	 * the body is read; the token must grant publishing to the topic
	 * @param body the request body, {@code {"channel":…,"topic":…,"data":…}}
	 * @return the answer, {@code {"id":…}}, or an error
	 */
	public Mono<Map<String, String>> publish(TokenClaims claims, JsonNode body) {
		return Mono.defer(() -> this.publishing
			.publish(claims, RequestBodies.text(body, "channel"), RequestBodies.text(body, "topic"), body.path("data"))
			.map((message) -> Map.of("id", message.id().toString())));
	}

	/**
	 * Tell whether browsers may cancel runs: whether runs are enabled.
	 * @return whether {@link #cancel} can succeed
	 */
	public boolean isCancelEnabled() {
		return this.cancelling != null;
	}

	/**
	 * Cancel a run for a browser: {@code POST {base}/runs/{runId}/cancel}.
	 * @param token the subscription token of the run's channel, which must grant cancel
	 * @param runId the run
	 * @return the answer, {@code {"runId":…,"outcome":…}}, or an error:
	 * {@link RequestRejectedException} with 409 when the run already ended and 404 when
	 * it is unknown
	 */
	public Mono<Map<String, String>> cancel(String token, String runId) {
		return Mono.defer(() -> {
			ClientCancelling cancelling = this.cancelling;
			if (cancelling == null) {
				throw new ForbiddenException("Runs are not enabled");
			}
			TokenClaims claims = verify(token);
			return cancelling.cancel(claims, claims.channel(), runId).map((outcome) -> switch (outcome) {
				case CANCELLED, REQUESTED -> cancelAnswer(runId, outcome);
				case ALREADY_ENDED ->
					throw new RequestRejectedException(HttpStatus.CONFLICT, "Run '" + runId + "' has already ended");
				case UNKNOWN -> throw new RequestRejectedException(HttpStatus.NOT_FOUND,
						"No run '" + runId + "' is known on channel '" + claims.channel() + "'");
			});
		});
	}

	static Map<String, String> cancelAnswer(String runId, RunCancellation outcome) {
		Map<String, String> body = new LinkedHashMap<>();
		body.put("runId", runId);
		body.put("outcome", outcome.name().toLowerCase(Locale.ROOT));
		return body;
	}

	/**
	 * Tell whether presence is enabled: whether some channel may track it.
	 * @return whether {@link #presence(String, String)} can succeed
	 */
	public boolean isPresenceEnabled() {
		return this.presence != null;
	}

	/**
	 * Tell whether stream tickets are enabled.
	 * @return whether {@link #issueTicket} can succeed
	 */
	public boolean isTicketEnabled() {
		return this.tickets != null;
	}

	/**
	 * Trade a token for a one-use stream ticket: {@code POST {base}/ticket}.
	 * @param token the subscription token
	 * @return the ticket, or an error
	 */
	public Mono<StreamTicket> issueTicket(String token) {
		StreamTickets tickets = this.tickets;
		if (tickets == null) {
			return Mono.error(new InvalidTokenException("Stream tickets are not enabled"));
		}
		return tickets.issue(token)
			.doOnError(InvalidTokenException.class,
					(ex) -> statistics().tokenRejected(ex.isExpired() ? TokenFailure.EXPIRED : TokenFailure.INVALID));
	}

	/**
	 * Verify the token of a stream request.
	 * @param token the token
	 * @return its claims
	 * @throws InvalidTokenException if it is not valid
	 */
	public TokenClaims verify(String token) {
		try {
			return this.tokens.verify(token);
		}
		catch (InvalidTokenException ex) {
			statistics().tokenRejected(ex.isExpired() ? TokenFailure.EXPIRED : TokenFailure.INVALID);
			throw ex;
		}
	}

	/**
	 * Redeem a stream ticket for the claims of the token it was issued for.
	 * @param ticket the ticket
	 * @return the claims, or an error
	 */
	public Mono<TokenClaims> redeem(String ticket) {
		StreamTickets tickets = this.tickets;
		if (tickets == null) {
			return Mono.error(new InvalidTokenException("Stream tickets are not enabled"));
		}
		return tickets.redeem(ticket)
			.doOnError(InvalidTokenException.class, (ex) -> statistics().tokenRejected(TokenFailure.TICKET));
	}

	/**
	 * Read what an SSE request asks to replay.
	 * @param lastEventId the {@code Last-Event-ID} header, or else the
	 * {@code lastEventId} query parameter
	 * @param history the {@code history} query parameter
	 * @return the replay
	 * @throws IllegalArgumentException if either is malformed
	 */
	public static Replay replay(@Nullable String lastEventId, @Nullable String history) {
		String mode = (history != null) ? history : "all";
		if (!mode.equals("all") && !mode.equals("none")) {
			throw new IllegalArgumentException("Query parameter 'history' must be 'all' or 'none'");
		}
		if (lastEventId != null && !lastEventId.isEmpty()) {
			if (MessageId.parse(lastEventId) == null) {
				throw new IllegalArgumentException("Malformed last event id; send back an id the server sent");
			}
			return Replay.after(lastEventId);
		}
		return mode.equals("none") ? Replay.none() : Replay.all();
	}

	/**
	 * Take a place for an SSE stream of a token and its principal, which the stream gives
	 * back when it ends.
	 * @param claims the token's claims
	 * @return the place
	 * @throws TooManyConnectionsException if the token or its principal holds as many
	 * streams as it may
	 */
	public ConnectionLimits.Permit ssePermit(TokenClaims claims) {
		return this.limits.streamAndConnection(claims.id(), claims.subject());
	}

	/**
	 * Create the session of an SSE stream; {@link SseSession#start()} starts it.
	 * @param claims the token's claims
	 * @param replay what to replay first
	 * @param output where to write
	 * @return the session
	 */
	public SseSession sseSession(TokenClaims claims, Replay replay, SseOutput output) {
		return new SseSession(this, claims, replay, output);
	}

	/**
	 * Return who is subscribed to a channel: {@code GET {base}/presence?channel=…}.
	 * @param token the subscription token, which must grant presence on that channel
	 * @param channel the channel asked about
	 * @return the answer, {@code {"channel","count","members":[{"user","info"}]}}, or an
	 * error: {@link ForbiddenException} when the token does not grant presence on the
	 * channel
	 */
	public Mono<PresenceSnapshot> presence(String token, String channel) {
		return Mono.defer(() -> presence(verify(token), channel));
	}

	Mono<PresenceSnapshot> presence(TokenClaims claims, String channel) {
		PresenceTracker presence = this.presence;
		if (presence == null || !claims.presence() || !claims.channel().equals(channel)) {
			return Mono
				.error(new ForbiddenException("The token does not grant presence on channel '" + shown(channel) + "'"));
		}
		return presence.presence(channel);
	}

	/**
	 * Tell whether the subscriptions of a channel enter presence: whether presence is
	 * enabled and the channel tracks it.
	 * @param channel the channel name, resolved already
	 * @return whether its subscriptions {@link #enterPresence enter presence}
	 */
	boolean tracksPresence(String channel) {
		PresenceTracker presence = this.presence;
		return presence != null && presence.tracks(channel);
	}

	/**
	 * Enter a live subscription into the presence of its channel, which
	 * {@link #tracksPresence tracks presence}.
	 * @param claims the claims of the subscription's token
	 * @return the subscription's presence, to exit when it ends
	 */
	PresenceTracker.Presence enterPresence(TokenClaims claims) {
		PresenceTracker presence = this.presence;
		Assert.state(presence != null, "Presence is not enabled");
		return presence.enter(claims.channel(), claims.subject(), claims.info(), claims.presence());
	}

	/**
	 * Create a WebSocket connection of the realtime protocol;
	 * {@link WebSocketConnection#start()} starts it.
	 * @param output where to write
	 * @return the connection
	 */
	public WebSocketConnection webSocketConnection(WebSocketOutput output) {
		return new WebSocketConnection(this, output);
	}

	/**
	 * Return a loop of a worker thread, for streams of servers that have no event loop of
	 * their own, spread over the workers in turn.
	 * @return the loop
	 */
	public StreamLoop workerLoop() {
		return this.streams.workerLoop();
	}

	/**
	 * Return how long a connection may take nothing while messages wait for it, or after
	 * its stream ended, before it is closed.
	 * @return the write timeout
	 */
	public Duration writeTimeout() {
		return this.fanOut.writeTimeout();
	}

	/**
	 * Return the most bytes a token, ticket or cancel request body may have.
	 * @return the limit
	 */
	public int maxRequestSize() {
		return this.maxRequestSize;
	}

	/**
	 * Return the most bytes a publish request body may have.
	 * @return the limit
	 */
	public int maxPublishRequestSize() {
		return this.maxPublishRequestSize;
	}

	/**
	 * Return the browser client's modules and the channel declarations.
	 * @return the assets
	 */
	public ClientAssets clientAssets() {
		return this.assets;
	}

	/**
	 * Return how many channels have subscribers on this node.
	 * @return the channels
	 */
	public int channelCount() {
		return this.fanOut.channelCount();
	}

	/**
	 * Return how many places the connection limits count: one per open stream of each
	 * token, one per open connection of each principal.
	 * @return the places taken
	 */
	public int placesTaken() {
		return this.limits.taken();
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

	/**
	 * Return the application's mapper, which reads request bodies and writes answers.
	 * @return the mapper
	 */
	public JsonMapper mapper() {
		return this.mapper;
	}

	Frames frames() {
		return this.frames;
	}

	LocalFanOut fanOut() {
		return this.fanOut;
	}

	/**
	 * Return where the hub counts connections, subscriptions and deliveries: its
	 * fan-out's.
	 * @return the statistics
	 */
	public RealtimeStatistics statistics() {
		return this.fanOut.statistics();
	}

	OpenStreams streams() {
		return this.streams;
	}

	ConnectionLimits limits() {
		return this.limits;
	}

	Duration sseKeepAlive() {
		return this.sseKeepAlive;
	}

	String sseRetryField() {
		return this.sseRetryField;
	}

	byte[] sseRetryFrame() {
		return this.sseRetryFrame;
	}

	Duration webSocketKeepAlive() {
		return this.webSocketKeepAlive;
	}

	int subscriptionsPerConnection() {
		return this.subscriptionsPerConnection;
	}

	Clock clock() {
		return this.clock;
	}

	/**
	 * Builds a {@link RealtimeHub}.
	 */
	public static final class Builder {

		private final LocalFanOut fanOut;

		private final RealtimeTokens tokens;

		private final ChannelCatalog catalog;

		private final RealtimeTemplate template;

		private @Nullable ChannelAuthorization authorization;

		private @Nullable PayloadCodec codec;

		private @Nullable JsonMapper jsonMapper;

		private @Nullable StreamTickets tickets;

		private @Nullable RealtimeRuns runs;

		private ShutdownSignal shutdown = new ShutdownSignal();

		private Duration sseKeepAlive = Duration.ofSeconds(15);

		private Duration sseRetry = Duration.ofSeconds(1);

		private Duration webSocketKeepAlive = Duration.ofSeconds(25);

		private int subscriptionsPerConnection = 64;

		private int streamsPerToken = 8;

		private int connectionsPerPrincipal = 64;

		private int maxRequestSize = 16 * 1024;

		private int maxMessageSize = 64 * 1024;

		private ClassLoader classLoader = RealtimeHub.class.getClassLoader();

		private Clock clock = Clock.systemUTC();

		private ObservationRegistry observationRegistry = ObservationRegistry.NOOP;

		private @Nullable PresenceTracker presence;

		private PresenceInfoResolver presenceInfo = (authentication, channel) -> Map.of();

		private Builder(LocalFanOut fanOut, RealtimeTokens tokens, ChannelCatalog catalog, RealtimeTemplate template) {
			Assert.notNull(fanOut, "'fanOut' must not be null");
			Assert.notNull(tokens, "'tokens' must not be null");
			Assert.notNull(catalog, "'catalog' must not be null");
			Assert.notNull(template, "'template' must not be null");
			this.fanOut = fanOut;
			this.tokens = tokens;
			this.catalog = catalog;
			this.template = template;
		}

		/**
		 * Set the authorization rules of the token endpoint.
		 * @param authorization the rules
		 * @return this builder
		 */
		public Builder authorization(ChannelAuthorization authorization) {
			this.authorization = authorization;
			return this;
		}

		/**
		 * Set the codec for payloads that clients publish.
		 * @param codec the codec
		 * @return this builder
		 */
		public Builder codec(PayloadCodec codec) {
			this.codec = codec;
			return this;
		}

		/**
		 * Set the mapper for request bodies and for the frames and events of the
		 * protocol.
		 * @param jsonMapper the mapper
		 * @return this builder
		 */
		public Builder jsonMapper(JsonMapper jsonMapper) {
			this.jsonMapper = jsonMapper;
			return this;
		}

		/**
		 * Set the stream tickets, which enable {@code POST {base}/ticket} and {@code GET
		 * {base}/sse?ticket=…}.
		 * @param tickets the tickets, or {@code null} for none
		 * @return this builder
		 */
		public Builder tickets(@Nullable StreamTickets tickets) {
			this.tickets = tickets;
			return this;
		}

		/**
		 * Set the runs that browsers may cancel with a token that grants it, which
		 * enables {@code POST {base}/runs/{runId}/cancel} and the WebSocket
		 * {@code cancel} frame.
		 * @param runs the runs, or {@code null} for none
		 * @return this builder
		 */
		public Builder runs(@Nullable RealtimeRuns runs) {
			this.runs = runs;
			return this;
		}

		/**
		 * Set the presence of the channels that track it, which enables {@code GET
		 * {base}/presence}, the WebSocket {@code presence} frame and the
		 * {@code $presence} topic.
		 * @param presence the presence, or {@code null} for none
		 * @return this builder
		 */
		public Builder presence(@Nullable PresenceTracker presence) {
			this.presence = presence;
			return this;
		}

		/**
		 * Set what the members of presence channels learn about the callers of the token
		 * endpoint.
		 * @param presenceInfo chooses the info of each caller
		 * @return this builder
		 */
		public Builder presenceInfo(PresenceInfoResolver presenceInfo) {
			Assert.notNull(presenceInfo, "'presenceInfo' must not be null");
			this.presenceInfo = presenceInfo;
			return this;
		}

		/**
		 * Set the signal that ends streams when the application stops.
		 * @param shutdown the signal
		 * @return this builder
		 */
		public Builder shutdownSignal(ShutdownSignal shutdown) {
			this.shutdown = shutdown;
			return this;
		}

		/**
		 * Set the idle time after which SSE streams get a keep-alive comment.
		 * @param keepAlive the idle time
		 * @return this builder
		 */
		public Builder sseKeepAlive(Duration keepAlive) {
			this.sseKeepAlive = keepAlive;
			return this;
		}

		/**
		 * Set the reconnection delay suggested to SSE clients.
		 * @param retry the delay
		 * @return this builder
		 */
		public Builder sseRetry(Duration retry) {
			this.sseRetry = retry;
			return this;
		}

		/**
		 * Set the idle time after which WebSocket connections are pinged.
		 * @param keepAlive the idle time
		 * @return this builder
		 */
		public Builder webSocketKeepAlive(Duration keepAlive) {
			this.webSocketKeepAlive = keepAlive;
			return this;
		}

		/**
		 * Set the maximum number of subscriptions on one WebSocket connection.
		 * @param subscriptionsPerConnection the maximum
		 * @return this builder
		 */
		public Builder subscriptionsPerConnection(int subscriptionsPerConnection) {
			this.subscriptionsPerConnection = subscriptionsPerConnection;
			return this;
		}

		/**
		 * Set the maximum number of SSE streams and WebSocket subscriptions open at once
		 * with one token.
		 * @param streamsPerToken the maximum
		 * @return this builder
		 */
		public Builder streamsPerToken(int streamsPerToken) {
			Assert.isTrue(streamsPerToken > 0, "'streamsPerToken' must be positive");
			this.streamsPerToken = streamsPerToken;
			return this;
		}

		/**
		 * Set the maximum number of SSE streams and WebSocket connections open at once
		 * with the tokens of one principal, the subject of the tokens. Tokens without a
		 * subject are not counted.
		 * @param connectionsPerPrincipal the maximum
		 * @return this builder
		 */
		public Builder connectionsPerPrincipal(int connectionsPerPrincipal) {
			Assert.isTrue(connectionsPerPrincipal > 0, "'connectionsPerPrincipal' must be positive");
			this.connectionsPerPrincipal = connectionsPerPrincipal;
			return this;
		}

		/**
		 * Set the largest body of a token request, in bytes. A publish request may be
		 * larger by the largest message.
		 * @param maxRequestSize the number of bytes
		 * @return this builder
		 */
		public Builder maxRequestSize(int maxRequestSize) {
			Assert.isTrue(maxRequestSize > 0, "'maxRequestSize' must be positive");
			this.maxRequestSize = maxRequestSize;
			return this;
		}

		/**
		 * Set the largest encoded payload of a message, in bytes, which a publish request
		 * may carry.
		 * @param maxMessageSize the number of bytes
		 * @return this builder
		 */
		public Builder maxMessageSize(int maxMessageSize) {
			Assert.isTrue(maxMessageSize > 0, "'maxMessageSize' must be positive");
			this.maxMessageSize = maxMessageSize;
			return this;
		}

		/**
		 * Set the registry of the observations of token mints, which with Micrometer
		 * Tracing are spans, children of the token request.
		 * @param observationRegistry the registry, {@link ObservationRegistry#NOOP} by
		 * default
		 * @return this builder
		 */
		public Builder observationRegistry(ObservationRegistry observationRegistry) {
			Assert.notNull(observationRegistry, "'observationRegistry' must not be null");
			this.observationRegistry = observationRegistry;
			return this;
		}

		/**
		 * Set the class loader to read the client modules and channel declarations from.
		 * @param classLoader the class loader, or {@code null} for the library's
		 * @return this builder
		 */
		public Builder classLoader(@Nullable ClassLoader classLoader) {
			if (classLoader != null) {
				this.classLoader = classLoader;
			}
			return this;
		}

		/**
		 * Set the clock for token expiry.
		 * @param clock the clock
		 * @return this builder
		 */
		public Builder clock(Clock clock) {
			this.clock = clock;
			return this;
		}

		/**
		 * Build the hub.
		 * @return the hub
		 */
		public RealtimeHub build() {
			ChannelAuthorization authorization = this.authorization;
			PayloadCodec codec = this.codec;
			JsonMapper jsonMapper = this.jsonMapper;
			Assert.state(authorization != null, "'authorization' must be set");
			Assert.state(codec != null, "'codec' must be set");
			Assert.state(jsonMapper != null, "'jsonMapper' must be set");
			return new RealtimeHub(this, authorization, codec, jsonMapper);
		}

	}

}
