package dev.realtime.server.webflux;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

import dev.realtime.ChannelCatalog;
import dev.realtime.engine.RealtimeEngine;
import dev.realtime.run.RealtimeRuns;
import dev.realtime.support.PayloadCodec;
import dev.realtime.support.RealtimeTemplate;
import dev.realtime.token.ChannelAuthorization;
import dev.realtime.token.RealtimeTokens;
import dev.realtime.token.StreamTickets;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.util.Assert;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.server.WebHandler;

/**
 * The realtime endpoints of one application, built once and exposed as a
 * {@link RouterFunction} for the HTTP endpoints and a {@link WebHandler} for the
 * WebSocket endpoint.
 *
 * @author Realtime team
 * @since 0.1.0
 */
public final class RealtimeServerEndpoints {

	private final RealtimeTokenHandler tokenHandler;

	private final RealtimeSseHandler sseHandler;

	private final @Nullable RealtimeTicketHandler ticketHandler;

	private final RealtimePublishHandler publishHandler;

	private final @Nullable RealtimeCancelHandler cancelHandler;

	private final RealtimeClientHandler clientHandler;

	private final RealtimeWebSocketHandler webSocketHandler;

	private RealtimeServerEndpoints(Builder builder, ChannelAuthorization authorization, PayloadCodec codec,
			JsonMapper jsonMapper) {
		ClientPublishing publishing = new ClientPublishing(builder.catalog, codec, builder.template);
		ClientCancelling cancelling = (builder.runs != null) ? new ClientCancelling(builder.catalog, builder.runs)
				: null;
		LocalFanOut fanOut = new LocalFanOut(builder.engine, builder.subscriberBuffer, builder.writeTimeout);
		OpenStreams streams = new OpenStreams(tick(builder.sseKeepAlive, builder.webSocketKeepAlive), builder.clock,
				builder.shutdown);
		ConnectionLimits limits = new ConnectionLimits(builder.streamsPerToken, builder.connectionsPerPrincipal);
		this.tokenHandler = new RealtimeTokenHandler(builder.catalog, authorization, builder.tokens, jsonMapper,
				builder.maxRequestSize);
		this.sseHandler = new RealtimeSseHandler(builder.engine, builder.tokens, builder.tickets, jsonMapper, fanOut,
				streams, limits, builder.sseKeepAlive, builder.sseRetry, builder.subscriberBuffer, builder.clock);
		this.ticketHandler = (builder.tickets != null) ? new RealtimeTicketHandler(builder.tickets) : null;
		this.publishHandler = new RealtimePublishHandler(builder.tokens, publishing, jsonMapper,
				publishRequestSize(builder.maxRequestSize, builder.maxMessageSize));
		this.cancelHandler = (cancelling != null) ? new RealtimeCancelHandler(builder.tokens, cancelling) : null;
		this.clientHandler = new RealtimeClientHandler(builder.classLoader);
		this.webSocketHandler = new RealtimeWebSocketHandler(builder.engine, builder.tokens, publishing, cancelling,
				jsonMapper, fanOut, streams, limits, builder.webSocketKeepAlive, builder.subscriptionsPerConnection,
				builder.subscriberBuffer, builder.clock);
	}

	// a publish request carries a payload of up to the message size, plus its channel,
	// topic and JSON punctuation, which get a token request's allowance
	private static int publishRequestSize(int maxRequestSize, int maxMessageSize) {
		return (int) Math.min(Integer.MAX_VALUE, (long) maxRequestSize + maxMessageSize);
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
	 * Start building the endpoints.
	 * @param engine the engine
	 * @param tokens mints and verifies tokens
	 * @param catalog the channel catalog
	 * @param template the publisher
	 * @return a builder
	 */
	public static Builder builder(RealtimeEngine engine, RealtimeTokens tokens, ChannelCatalog catalog,
			RealtimeTemplate template) {
		return new Builder(engine, tokens, catalog, template);
	}

	/**
	 * Return the routes of the HTTP endpoints.
	 * @param basePath the path under which the endpoints are served, e.g.
	 * {@code /realtime}
	 * @param token whether to route the token endpoint
	 * @param sse whether to route the Server-Sent Events endpoint (and the ticket
	 * endpoint, when tickets are set)
	 * @param publish whether to route the client publish endpoint
	 * @param client whether to route the browser client modules
	 * @return the routes, with the run cancel endpoint when runs are set
	 * @see Builder#runs(RealtimeRuns)
	 */
	public RouterFunction<ServerResponse> routerFunction(String basePath, boolean token, boolean sse, boolean publish,
			boolean client) {
		RouterFunctions.Builder routes = RouterFunctions.route();
		// a builder with no route cannot build: with every endpoint off, route nothing
		routes.route((request) -> false, (request) -> ServerResponse.notFound().build());
		if (token) {
			routes.POST(basePath + "/token", this.tokenHandler::handleRequest);
		}
		if (sse) {
			// no Accept predicate: it would parse the header into media types that the
			// request keeps for as long as the stream is open
			routes.GET(basePath + "/sse", this.sseHandler::handleRequest);
			if (this.ticketHandler != null) {
				routes.POST(basePath + "/ticket", this.ticketHandler::handleRequest);
			}
		}
		if (publish) {
			routes.POST(basePath + "/publish", this.publishHandler::handleRequest);
		}
		if (this.cancelHandler != null) {
			routes.POST(basePath + "/runs/{runId}/cancel", this.cancelHandler::handleRequest);
		}
		if (client) {
			routes.GET(basePath + "/{asset:client\\.js|react\\.js|channels\\.d\\.ts}",
					this.clientHandler::handleRequest);
		}
		return routes.build();
	}

	/**
	 * Return the WebSocket endpoint: checks the handshake's origin, then runs the
	 * realtime protocol.
	 * @param allowedOrigins origins allowed besides the same origin; {@code "*"} for any
	 * @return the endpoint
	 */
	public WebHandler webSocketEndpoint(List<String> allowedOrigins) {
		RealtimeWebSocketService service = new RealtimeWebSocketService(allowedOrigins);
		return (exchange) -> service.handleRequest(exchange, this.webSocketHandler.handlerFor(exchange));
	}

	/**
	 * Builds {@link RealtimeServerEndpoints}.
	 */
	public static final class Builder {

		private final RealtimeEngine engine;

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

		private int subscriberBuffer = 1024;

		private Duration writeTimeout = Duration.ofSeconds(5);

		private ClassLoader classLoader = RealtimeServerEndpoints.class.getClassLoader();

		private Clock clock = Clock.systemUTC();

		private Builder(RealtimeEngine engine, RealtimeTokens tokens, ChannelCatalog catalog,
				RealtimeTemplate template) {
			Assert.notNull(engine, "'engine' must not be null");
			Assert.notNull(tokens, "'tokens' must not be null");
			Assert.notNull(catalog, "'catalog' must not be null");
			Assert.notNull(template, "'template' must not be null");
			this.engine = engine;
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
		 * Set how many messages a subscriber may fall behind before it is disconnected.
		 * @param subscriberBuffer the number of messages
		 * @return this builder
		 */
		public Builder subscriberBuffer(int subscriberBuffer) {
			Assert.isTrue(subscriberBuffer > 0, "'subscriberBuffer' must be positive");
			this.subscriberBuffer = subscriberBuffer;
			return this;
		}

		/**
		 * Set how long writing to a client may stall: longer while messages wait, and the
		 * client is disconnected as too slow; longer after its stream ended, and the
		 * connection is closed without the frames that were not sent.
		 * @param writeTimeout the time
		 * @return this builder
		 */
		public Builder writeTimeout(Duration writeTimeout) {
			Assert.isTrue(!writeTimeout.isNegative() && !writeTimeout.isZero(), "'writeTimeout' must be positive");
			this.writeTimeout = writeTimeout;
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
		 * Build the endpoints.
		 * @return the endpoints
		 */
		public RealtimeServerEndpoints build() {
			ChannelAuthorization authorization = this.authorization;
			PayloadCodec codec = this.codec;
			JsonMapper jsonMapper = this.jsonMapper;
			Assert.state(authorization != null, "'authorization' must be set");
			Assert.state(codec != null, "'codec' must be set");
			Assert.state(jsonMapper != null, "'jsonMapper' must be set");
			return new RealtimeServerEndpoints(this, authorization, codec, jsonMapper);
		}

	}

}
