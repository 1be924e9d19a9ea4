package dev.realtime.server.webflux;

import java.io.ByteArrayOutputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.function.Function;

import dev.realtime.engine.EngineMessage;
import dev.realtime.engine.MessageId;
import dev.realtime.engine.RealtimeEngine;
import dev.realtime.engine.Replay;
import dev.realtime.token.RealtimeTokens;
import dev.realtime.token.StreamTickets;
import dev.realtime.token.TokenClaims;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseCookie;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.util.Assert;
import org.springframework.util.ClassUtils;
import org.springframework.util.CollectionUtils;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.server.ServerWebExchange;

/**
 * Streams a channel as Server-Sent Events: {@code GET {base}/sse} with a subscription
 * token. The stream starts with {@code event: subscribed}, replays history (or resumes
 * after {@code Last-Event-ID}), then goes live; it ends with {@code event: expired} when
 * the token expires, {@code event: error} when the client is too slow, and a
 * {@code retry} hint when the application stops; a connection whose end is not sent
 * within the write timeout, as when the client stopped reading, is closed without it.
 * Every subscriber writes the same pre-encoded bytes of each message.
 *
 * @author Realtime team
 * @since 0.1.0
 */
public final class RealtimeSseHandler {

	private static final boolean REACTOR_NETTY_PRESENT = ClassUtils
		.isPresent("reactor.netty.http.server.HttpServerResponse", RealtimeSseHandler.class.getClassLoader());

	/** Encodes the SSE frame of a message, once per message. */
	static final Function<EngineMessage, byte[]> MESSAGE_FRAME = RealtimeSseHandler::encodeMessage;

	private static final byte[] DATA_LINE = Frames.utf8("\ndata: ");

	private static final HttpHeaders STREAM_HEADERS = streamHeaders();

	private static final MultiValueMap<String, ResponseCookie> NO_COOKIES = CollectionUtils
		.unmodifiableMultiValueMap(new LinkedMultiValueMap<>());

	private final RealtimeEngine engine;

	private final RealtimeTokens tokens;

	private final @Nullable StreamTickets tickets;

	private final LocalFanOut fanOut;

	private final OpenStreams streams;

	private final ConnectionLimits limits;

	private final Frames frames;

	private final Duration keepAlive;

	private final String retryField;

	private final byte[] retryFrame;

	private final int capacity;

	private final Clock clock;

	RealtimeSseHandler(RealtimeEngine engine, RealtimeTokens tokens, @Nullable StreamTickets tickets, JsonMapper mapper,
			LocalFanOut fanOut, OpenStreams streams, ConnectionLimits limits, Duration keepAlive, Duration retry,
			int capacity, Clock clock) {
		Assert.notNull(engine, "'engine' must not be null");
		Assert.notNull(tokens, "'tokens' must not be null");
		Assert.notNull(mapper, "'mapper' must not be null");
		Assert.isTrue(!keepAlive.isNegative() && !keepAlive.isZero(), "'keepAlive' must be positive");
		Assert.isTrue(capacity > 0, "'capacity' must be positive");
		this.engine = engine;
		this.tokens = tokens;
		this.tickets = tickets;
		this.frames = new Frames(mapper);
		this.fanOut = fanOut;
		this.streams = streams;
		this.limits = limits;
		this.keepAlive = keepAlive;
		this.retryField = "retry: " + retry.toMillis() + "\n";
		this.retryFrame = Frames.utf8(this.retryField + "\n");
		this.capacity = capacity;
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
			String ticket = RequestTokens.ticket(request);
			if (ticket != null) {
				// read the request before the ticket is used up
				Replay ticketReplay = replay(request);
				return RequestTokens.redeem(this.tickets, ticket)
					.<ServerResponse>map((redeemed) -> new StreamResponse(redeemed, ticketReplay))
					.onErrorResume(RealtimeProblems::of);
			}
			claims = this.tokens.verify(RequestTokens.require(request));
			replay = replay(request);
		}
		catch (RuntimeException ex) {
			return RealtimeProblems.of(ex);
		}
		return Mono.just(new StreamResponse(claims, replay));
	}

	RealtimeEngine engine() {
		return this.engine;
	}

	LocalFanOut fanOut() {
		return this.fanOut;
	}

	OpenStreams streams() {
		return this.streams;
	}

	Frames frames() {
		return this.frames;
	}

	Duration keepAlive() {
		return this.keepAlive;
	}

	int capacity() {
		return this.capacity;
	}

	Clock clock() {
		return this.clock;
	}

	String retryField() {
		return this.retryField;
	}

	byte[] retryFrame() {
		return this.retryFrame;
	}

	private static HttpHeaders streamHeaders() {
		HttpHeaders headers = new HttpHeaders();
		headers.setContentType(MediaType.TEXT_EVENT_STREAM);
		headers.setCacheControl(CacheControl.noStore());
		headers.set("X-Accel-Buffering", "no");
		return HttpHeaders.readOnlyHttpHeaders(headers);
	}

	private static Replay replay(ServerRequest request) {
		String lastEventId = request.headers().firstHeader("Last-Event-ID");
		if (lastEventId == null) {
			lastEventId = QueryParameters.first(request, "lastEventId");
		}
		String history = QueryParameters.first(request, "history");
		if (history == null) {
			history = "all";
		}
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

	// not a control event: constant fields around the envelope, which is JSON already,
	// built once per message and shared by every subscriber instead of written per
	// connection with the mapper
	static byte[] encodeMessage(EngineMessage message) {
		byte[] head = Frames.utf8("id: " + message.id() + "\nevent: message\ndata: ");
		byte[] envelope = message.envelope();
		int lines = 0;
		for (byte b : envelope) {
			if (b == '\n' || b == '\r') {
				lines++;
			}
		}
		if (lines == 0) {
			byte[] frame = Arrays.copyOf(head, head.length + envelope.length + 2);
			System.arraycopy(envelope, 0, frame, head.length, envelope.length);
			frame[frame.length - 2] = '\n';
			frame[frame.length - 1] = '\n';
			return frame;
		}
		// pretty-printed JSON: each line of the envelope needs its own data field
		ByteArrayOutputStream out = new ByteArrayOutputStream(head.length + envelope.length + lines * 6 + 2);
		out.writeBytes(head);
		for (byte b : envelope) {
			if (b == '\n') {
				out.writeBytes(DATA_LINE);
			}
			else if (b != '\r') {
				out.write(b);
			}
		}
		out.write('\n');
		out.write('\n');
		return out.toByteArray();
	}

	/**
	 * The response to a subscription: the stream's status and headers, then the stream.
	 * WebFlux holds the response while the stream is open, so it keeps only what the
	 * session needs, and its headers and cookies are shared constants instead of the
	 * copies a {@link ServerResponse#ok() builder} would make.
	 */
	private final class StreamResponse implements ServerResponse {

		private final String channel;

		private final Set<String> topics;

		private final long expiresAt;

		private final Replay replay;

		private final String tokenId;

		private final @Nullable String subject;

		StreamResponse(TokenClaims claims, Replay replay) {
			this.channel = claims.channel();
			this.topics = claims.topics();
			this.expiresAt = claims.expiresAt().toEpochMilli();
			this.replay = replay;
			this.tokenId = claims.id();
			this.subject = claims.subject();
		}

		@Override
		public HttpStatusCode statusCode() {
			return HttpStatus.OK;
		}

		@Override
		public HttpHeaders headers() {
			return STREAM_HEADERS;
		}

		@Override
		public MultiValueMap<String, ResponseCookie> cookies() {
			return NO_COOKIES;
		}

		/**
		 * Write the stream, or a 429 problem when the token or its principal holds as
		 * many streams as it may; the stream's place is given back however it ends.
		 */
		@Override
		public Mono<Void> writeTo(ServerWebExchange exchange, Context context) {
			return Mono.defer(() -> {
				ConnectionLimits.Permit permit;
				try {
					permit = RealtimeSseHandler.this.limits.streamAndConnection(this.tokenId, this.subject);
				}
				catch (TooManyConnectionsException ex) {
					return RealtimeProblems.of(ex).flatMap((problem) -> problem.writeTo(exchange, context));
				}
				return stream(exchange).doFinally((signal) -> permit.release());
			});
		}

		private Mono<Void> stream(ServerWebExchange exchange) {
			ServerHttpResponse response = exchange.getResponse();
			response.setStatusCode(HttpStatus.OK);
			response.getHeaders().putAll(STREAM_HEADERS);
			if (REACTOR_NETTY_PRESENT) {
				Mono<Void> stream = NettySseOutput.stream(response, fanOut().writeTimeout(), this::session);
				if (stream != null) {
					return stream;
				}
			}
			return response.writeWith(FluxSseOutput.stream(streams().workerLoop(), response.bufferFactory(),
					fanOut().writeTimeout(), this::session));
		}

		private SseSession session(SseOutput output) {
			return new SseSession(RealtimeSseHandler.this, this.channel, this.topics, this.expiresAt, this.replay,
					output);
		}

	}

}
