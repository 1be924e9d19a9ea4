package dev.realtime.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Configuration properties for Realtime for Spring Boot.
 *
 * @author Realtime team
 * @since 0.1.0
 */
@ConfigurationProperties("realtime")
public class RealtimeProperties {

	/**
	 * Path under which the token, SSE, WebSocket, publish and client endpoints are
	 * served.
	 */
	private String basePath = "/realtime";

	private final Engine engine = new Engine();

	private final History history = new History();

	private final Limits limits = new Limits();

	private final Token token = new Token();

	private final Sse sse = new Sse();

	private final Websocket websocket = new Websocket();

	private final Publish publish = new Publish();

	private final Client client = new Client();

	private final Runs runs = new Runs();

	private final Webflux webflux = new Webflux();

	private final Security security = new Security();

	private final Actuator actuator = new Actuator();

	private final Tracing tracing = new Tracing();

	private final Presence presence = new Presence();

	private final Streams streams = new Streams();

	public String getBasePath() {
		return this.basePath;
	}

	public void setBasePath(String basePath) {
		this.basePath = basePath;
	}

	public Engine getEngine() {
		return this.engine;
	}

	public History getHistory() {
		return this.history;
	}

	public Limits getLimits() {
		return this.limits;
	}

	public Token getToken() {
		return this.token;
	}

	public Sse getSse() {
		return this.sse;
	}

	public Websocket getWebsocket() {
		return this.websocket;
	}

	public Publish getPublish() {
		return this.publish;
	}

	public Client getClient() {
		return this.client;
	}

	public Runs getRuns() {
		return this.runs;
	}

	public Webflux getWebflux() {
		return this.webflux;
	}

	public Security getSecurity() {
		return this.security;
	}

	public Actuator getActuator() {
		return this.actuator;
	}

	public Tracing getTracing() {
		return this.tracing;
	}

	public Presence getPresence() {
		return this.presence;
	}

	public Streams getStreams() {
		return this.streams;
	}

	public static class Engine {

		/**
		 * Engine that moves messages between nodes and keeps history.
		 */
		private EngineType type = EngineType.MEMORY;

		/**
		 * How long a publish may wait for the engine before it fails.
		 */
		private Duration publishTimeout = Duration.ofSeconds(5);

		private final Redis redis = new Redis();

		public EngineType getType() {
			return this.type;
		}

		public void setType(EngineType type) {
			this.type = type;
		}

		public Duration getPublishTimeout() {
			return this.publishTimeout;
		}

		public void setPublishTimeout(Duration publishTimeout) {
			this.publishTimeout = publishTimeout;
		}

		public Redis getRedis() {
			return this.redis;
		}

		public static class Redis {

			/**
			 * Prefix of the keys and pub/sub channels of the Redis engine, so that
			 * several applications can share one Redis; every node of an application must
			 * use the same.
			 */
			private String keyPrefix = "realtime:";

			/**
			 * Longest delay between two attempts of the engine's Redis connections to
			 * reconnect after they dropped: the delays grow from a millisecond up to it,
			 * so that the engine works again about this long after Redis answers again.
			 * Applies to the engine's own connections, derived from the application's
			 * Lettuce connection factory, whose client it leaves unchanged.
			 */
			private Duration reconnectDelay = Duration.ofMillis(250);

			public String getKeyPrefix() {
				return this.keyPrefix;
			}

			public void setKeyPrefix(String keyPrefix) {
				this.keyPrefix = keyPrefix;
			}

			public Duration getReconnectDelay() {
				return this.reconnectDelay;
			}

			public void setReconnectDelay(Duration reconnectDelay) {
				this.reconnectDelay = reconnectDelay;
			}

		}

	}

	/**
	 * Engines that move messages between nodes.
	 */
	public enum EngineType {

		/**
		 * One node, no external service.
		 */
		MEMORY,

		/**
		 * Several nodes sharing the application's Redis.
		 */
		REDIS

	}

	public static class History {

		/**
		 * Maximum number of messages kept per channel for late and reconnecting
		 * subscribers; 0 keeps none.
		 */
		private int size = 100;

		/**
		 * How long a message stays in a channel's history.
		 */
		private Duration ttl = Duration.ofMinutes(10);

		public int getSize() {
			return this.size;
		}

		public void setSize(int size) {
			this.size = size;
		}

		public Duration getTtl() {
			return this.ttl;
		}

		public void setTtl(Duration ttl) {
			this.ttl = ttl;
		}

	}

	public static class Limits {

		/**
		 * Largest encoded payload accepted; larger payloads are rejected, never
		 * truncated.
		 */
		private DataSize maxMessageSize = DataSize.ofKilobytes(64);

		/**
		 * How many messages a subscriber may fall behind before it is disconnected as too
		 * slow.
		 */
		private int subscriberBuffer = 1024;

		/**
		 * Maximum number of channel subscriptions on one WebSocket connection.
		 */
		private int subscriptionsPerConnection = 64;

		/**
		 * Maximum number of SSE streams and WebSocket subscriptions open at once with one
		 * token.
		 */
		private int streamsPerToken = 8;

		/**
		 * Maximum number of SSE streams and WebSocket connections open at once with the
		 * tokens of one authenticated user, whom the token endpoint names in the tokens
		 * it mints. Tokens that name no one are not counted.
		 */
		private int connectionsPerPrincipal = 64;

		/**
		 * Largest body of a token request; a client publish request may be larger by
		 * max-message-size. Larger requests are refused with 413 before they are read
		 * whole.
		 */
		private DataSize maxRequestSize = DataSize.ofKilobytes(16);

		/**
		 * How long writing to a client may stall. A client whose connection accepts
		 * nothing for longer while messages wait is disconnected as too slow, and a
		 * connection whose last frames are not sent that long after its stream ended is
		 * closed without them.
		 */
		private Duration writeTimeout = Duration.ofSeconds(5);

		public DataSize getMaxMessageSize() {
			return this.maxMessageSize;
		}

		public void setMaxMessageSize(DataSize maxMessageSize) {
			this.maxMessageSize = maxMessageSize;
		}

		public int getSubscriberBuffer() {
			return this.subscriberBuffer;
		}

		public void setSubscriberBuffer(int subscriberBuffer) {
			this.subscriberBuffer = subscriberBuffer;
		}

		public int getSubscriptionsPerConnection() {
			return this.subscriptionsPerConnection;
		}

		public void setSubscriptionsPerConnection(int subscriptionsPerConnection) {
			this.subscriptionsPerConnection = subscriptionsPerConnection;
		}

		public int getStreamsPerToken() {
			return this.streamsPerToken;
		}

		public void setStreamsPerToken(int streamsPerToken) {
			this.streamsPerToken = streamsPerToken;
		}

		public int getConnectionsPerPrincipal() {
			return this.connectionsPerPrincipal;
		}

		public void setConnectionsPerPrincipal(int connectionsPerPrincipal) {
			this.connectionsPerPrincipal = connectionsPerPrincipal;
		}

		public DataSize getMaxRequestSize() {
			return this.maxRequestSize;
		}

		public void setMaxRequestSize(DataSize maxRequestSize) {
			this.maxRequestSize = maxRequestSize;
		}

		public Duration getWriteTimeout() {
			return this.writeTimeout;
		}

		public void setWriteTimeout(Duration writeTimeout) {
			this.writeTimeout = writeTimeout;
		}

	}

	public static class Token {

		/**
		 * How long a subscription token is valid.
		 */
		private Duration ttl = Duration.ofMinutes(5);

		/**
		 * Longest lifetime of a token, for tokens minted in code with their own ttl;
		 * verification rejects tokens that live longer (plus the clock skew). Defaults to
		 * the ttl.
		 */
		private @Nullable Duration maxTtl;

		/**
		 * Clock skew tolerated when checking token validity.
		 */
		private Duration clockSkew = Duration.ofSeconds(30);

		/**
		 * Secret for HS256 token signatures, at least 32 bytes; use the same on every
		 * node. Prefix with "base64:" for a Base64-encoded secret. When neither a secret
		 * nor a key pair is set, a random per-process key is used.
		 */
		private @Nullable String secret;

		/**
		 * PEM-encoded RSA or EC private key (PKCS#8, PKCS#1 or SEC 1) for RS256 or ES256
		 * token signatures.
		 */
		private @Nullable String privateKey;

		/**
		 * PEM-encoded X.509 public key matching the private key.
		 */
		private @Nullable String publicKey;

		/**
		 * Whether to expose the token endpoint; applications that mint tokens in their
		 * own controller can turn it off.
		 */
		private boolean endpointEnabled = true;

		/**
		 * How long a stream ticket, exchanged for a token at {base}/ticket and used once
		 * as "?ticket=" on the SSE endpoint, stays valid; never longer than its token.
		 */
		private Duration ticketTtl = Duration.ofSeconds(30);

		public Duration getTtl() {
			return this.ttl;
		}

		public void setTtl(Duration ttl) {
			this.ttl = ttl;
		}

		public @Nullable Duration getMaxTtl() {
			return this.maxTtl;
		}

		public void setMaxTtl(@Nullable Duration maxTtl) {
			this.maxTtl = maxTtl;
		}

		public Duration getClockSkew() {
			return this.clockSkew;
		}

		public void setClockSkew(Duration clockSkew) {
			this.clockSkew = clockSkew;
		}

		public @Nullable String getSecret() {
			return this.secret;
		}

		public void setSecret(@Nullable String secret) {
			this.secret = secret;
		}

		public @Nullable String getPrivateKey() {
			return this.privateKey;
		}

		public void setPrivateKey(@Nullable String privateKey) {
			this.privateKey = privateKey;
		}

		public @Nullable String getPublicKey() {
			return this.publicKey;
		}

		public void setPublicKey(@Nullable String publicKey) {
			this.publicKey = publicKey;
		}

		public boolean isEndpointEnabled() {
			return this.endpointEnabled;
		}

		public void setEndpointEnabled(boolean endpointEnabled) {
			this.endpointEnabled = endpointEnabled;
		}

		public Duration getTicketTtl() {
			return this.ticketTtl;
		}

		public void setTicketTtl(Duration ticketTtl) {
			this.ticketTtl = ticketTtl;
		}

	}

	public static class Sse {

		/**
		 * Whether to expose the Server-Sent Events endpoint.
		 */
		private boolean enabled = true;

		/**
		 * Time without traffic after which a keep-alive comment is sent on an idle
		 * stream.
		 */
		private Duration keepAlive = Duration.ofSeconds(15);

		/**
		 * Reconnection delay suggested to clients when the server ends a stream.
		 */
		private Duration retry = Duration.ofSeconds(1);

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public Duration getKeepAlive() {
			return this.keepAlive;
		}

		public void setKeepAlive(Duration keepAlive) {
			this.keepAlive = keepAlive;
		}

		public Duration getRetry() {
			return this.retry;
		}

		public void setRetry(Duration retry) {
			this.retry = retry;
		}

	}

	public static class Websocket {

		/**
		 * Whether to expose the WebSocket endpoint.
		 */
		private boolean enabled = true;

		/**
		 * Origins allowed to open a WebSocket, for example "https://app.example.com"; "*"
		 * allows any. Empty allows the same origin only.
		 */
		private List<String> allowedOrigins = new ArrayList<>();

		/**
		 * Time without traffic after which the server pings an idle connection.
		 */
		private Duration keepAlive = Duration.ofSeconds(25);

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public List<String> getAllowedOrigins() {
			return this.allowedOrigins;
		}

		public void setAllowedOrigins(List<String> allowedOrigins) {
			this.allowedOrigins = allowedOrigins;
		}

		public Duration getKeepAlive() {
			return this.keepAlive;
		}

		public void setKeepAlive(Duration keepAlive) {
			this.keepAlive = keepAlive;
		}

	}

	public static class Publish {

		/**
		 * Whether browsers may publish replies on topics their token grants.
		 */
		private boolean enabled = true;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

	}

	public static class Client {

		/**
		 * Whether to serve the browser client modules and the channel type declarations.
		 */
		private boolean enabled = true;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

	}

	public static class Security {

		/**
		 * Whether to let the realtime endpoints that authenticate with a subscription
		 * token (SSE, tickets, WebSocket, client publishing, run cancelling and the
		 * client modules) through the application's Spring Security filter chains, exempt
		 * from CSRF for their POSTs. Turn it off to permit them in the application's own
		 * rules.
		 */
		private boolean enabled = true;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

	}

	public static class Webflux {

		/**
		 * Whether SSE streams and WebSocket connections on Reactor Netty write shared,
		 * pre-framed buffers straight to the connection's channel. Turn it off to write
		 * through WebFlux's response and session instead, as on other reactive servers.
		 */
		private boolean nettyFastPath = true;

		public boolean isNettyFastPath() {
			return this.nettyFastPath;
		}

		public void setNettyFastPath(boolean nettyFastPath) {
			this.nettyFastPath = nettyFastPath;
		}

	}

	public static class Runs {

		/**
		 * Maximum number of run attempts executing at once, each on its own thread.
		 */
		private int threads = 16;

		/**
		 * Maximum number of runs waiting for a thread; further runs are rejected.
		 */
		private int queueCapacity = 256;

		/**
		 * How long the durable steps of an ended run are remembered, so that a run
		 * started again with the same id does not repeat them.
		 */
		private Duration memoTtl = Duration.ofHours(1);

		/**
		 * Maximum number of runs whose durable steps the in-memory memo store keeps.
		 */
		private int maxMemoizedRuns = 10_000;

		/**
		 * How long a run's lease lasts unless the node executing it renews it (every
		 * third of this). A run whose node died, or lost the engine for longer than this,
		 * is taken over by another node after at most this plus the scan interval.
		 */
		private Duration leaseTtl = Duration.ofSeconds(15);

		/**
		 * How often each node looks for runs whose lease expired, to take them over.
		 */
		private Duration scanInterval = Duration.ofSeconds(5);

		private final Retry retry = new Retry();

		public int getThreads() {
			return this.threads;
		}

		public void setThreads(int threads) {
			this.threads = threads;
		}

		public int getQueueCapacity() {
			return this.queueCapacity;
		}

		public void setQueueCapacity(int queueCapacity) {
			this.queueCapacity = queueCapacity;
		}

		public Duration getMemoTtl() {
			return this.memoTtl;
		}

		public void setMemoTtl(Duration memoTtl) {
			this.memoTtl = memoTtl;
		}

		public int getMaxMemoizedRuns() {
			return this.maxMemoizedRuns;
		}

		public void setMaxMemoizedRuns(int maxMemoizedRuns) {
			this.maxMemoizedRuns = maxMemoizedRuns;
		}

		public Duration getLeaseTtl() {
			return this.leaseTtl;
		}

		public void setLeaseTtl(Duration leaseTtl) {
			this.leaseTtl = leaseTtl;
		}

		public Duration getScanInterval() {
			return this.scanInterval;
		}

		public void setScanInterval(Duration scanInterval) {
			this.scanInterval = scanInterval;
		}

		public Retry getRetry() {
			return this.retry;
		}

		public static class Retry {

			/**
			 * Attempts a run gets in total unless it sets its own retry policy; 1
			 * disables retries.
			 */
			private int maxAttempts = 3;

			/**
			 * Wait after the first failed attempt.
			 */
			private Duration initialBackoff = Duration.ofSeconds(1);

			/**
			 * Factor applied to the wait after each further failed attempt.
			 */
			private double multiplier = 2;

			/**
			 * Longest wait between attempts.
			 */
			private Duration maxBackoff = Duration.ofMinutes(1);

			public int getMaxAttempts() {
				return this.maxAttempts;
			}

			public void setMaxAttempts(int maxAttempts) {
				this.maxAttempts = maxAttempts;
			}

			public Duration getInitialBackoff() {
				return this.initialBackoff;
			}

			public void setInitialBackoff(Duration initialBackoff) {
				this.initialBackoff = initialBackoff;
			}

			public double getMultiplier() {
				return this.multiplier;
			}

			public void setMultiplier(double multiplier) {
				this.multiplier = multiplier;
			}

			public Duration getMaxBackoff() {
				return this.maxBackoff;
			}

			public void setMaxBackoff(Duration maxBackoff) {
				this.maxBackoff = maxBackoff;
			}

		}

	}

	public static class Actuator {

		/**
		 * Whether the realtime Actuator endpoint shows the names of the busiest channels,
		 * which may name users or documents.
		 */
		private boolean showChannels;

		/**
		 * How many of the busiest channels the realtime Actuator endpoint describes.
		 */
		private int busiestChannels = 10;

		public boolean isShowChannels() {
			return this.showChannels;
		}

		public void setShowChannels(boolean showChannels) {
			this.showChannels = showChannels;
		}

		public int getBusiestChannels() {
			return this.busiestChannels;
		}

		public void setBusiestChannels(int busiestChannels) {
			this.busiestChannels = busiestChannels;
		}

	}

	public static class Tracing {

		/**
		 * Whether a traced publish carries its trace context to subscribers, as a W3C
		 * "traceparent" field of the message's envelope. Needs Micrometer Tracing.
		 */
		private boolean traceparent;

		public boolean isTraceparent() {
			return this.traceparent;
		}

		public void setTraceparent(boolean traceparent) {
			this.traceparent = traceparent;
		}

	}

	public static class Presence {

		/**
		 * How long a user stays a member of a channel after its last subscription on a
		 * node ended, so that a reconnect is neither a leave nor a join.
		 */
		private Duration leaveDelay = Duration.ofSeconds(2);

		/**
		 * How long the members of a node stay without being confirmed, which each node
		 * does every third of it; a node that stops (it died, or lost Redis) has its
		 * members leave within about this time. Only the Redis engine, shared by several
		 * nodes, needs it.
		 */
		private Duration ttl = Duration.ofSeconds(15);

		/**
		 * Most members of one channel that are listed and whose joins and leaves are
		 * announced; the others are counted.
		 */
		private int maxMembers = 1000;

		public Duration getLeaveDelay() {
			return this.leaveDelay;
		}

		public void setLeaveDelay(Duration leaveDelay) {
			this.leaveDelay = leaveDelay;
		}

		public Duration getTtl() {
			return this.ttl;
		}

		public void setTtl(Duration ttl) {
			this.ttl = ttl;
		}

		public int getMaxMembers() {
			return this.maxMembers;
		}

		public void setMaxMembers(int maxMembers) {
			this.maxMembers = maxMembers;
		}

	}

	public static class Streams {

		/**
		 * Most bytes of JSON-encoded chunks the text of one stream topic may have; a
		 * chunk beyond it is refused to its publisher, never cut.
		 */
		private DataSize maxSize = DataSize.ofMegabytes(1);

		/**
		 * How long a run's stream (Run.stream) gathers chunks before it publishes them as
		 * one, in order; zero publishes every chunk on its own.
		 */
		private Duration coalesce = Duration.ZERO;

		/**
		 * How long the text of a stream topic is kept after its last chunk.
		 */
		private Duration ttl = Duration.ofMinutes(10);

		public DataSize getMaxSize() {
			return this.maxSize;
		}

		public void setMaxSize(DataSize maxSize) {
			this.maxSize = maxSize;
		}

		public Duration getTtl() {
			return this.ttl;
		}

		public void setTtl(Duration ttl) {
			this.ttl = ttl;
		}

		public Duration getCoalesce() {
			return this.coalesce;
		}

		public void setCoalesce(Duration coalesce) {
			this.coalesce = coalesce;
		}

	}

}
