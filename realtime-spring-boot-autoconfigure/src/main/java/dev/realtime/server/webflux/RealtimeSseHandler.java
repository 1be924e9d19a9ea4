package dev.realtime.server.webflux;

import dev.realtime.engine.Replay;
import dev.realtime.server.ConnectionLimits;
import dev.realtime.server.RealtimeHub;
import dev.realtime.server.SseOutput;
import dev.realtime.server.SseSession;
import dev.realtime.server.TooManyConnectionsException;
import dev.realtime.token.TokenClaims;
import reactor.core.publisher.Mono;

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

	private static final HttpHeaders STREAM_HEADERS = streamHeaders();

	private static final MultiValueMap<String, ResponseCookie> NO_COOKIES = CollectionUtils
		.unmodifiableMultiValueMap(new LinkedMultiValueMap<>());

	private final RealtimeHub hub;

	private final boolean nettyOutput;

	/**
	 * Create a new handler that writes straight to Reactor Netty connections when it runs
	 * on Reactor Netty.
	 * @param hub the hub
	 */
	public RealtimeSseHandler(RealtimeHub hub) {
		this(hub, true);
	}

	/**
	 * Create a new handler.
	 * @param hub the hub
	 * @param nettyOutput whether to write straight to Reactor Netty connections when it
	 * runs on Reactor Netty, rather than through each response's {@code Flux}
	 */
	public RealtimeSseHandler(RealtimeHub hub, boolean nettyOutput) {
		Assert.notNull(hub, "'hub' must not be null");
		this.hub = hub;
		this.nettyOutput = nettyOutput && REACTOR_NETTY_PRESENT;
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
				return this.hub.redeem(ticket)
					.<ServerResponse>map((redeemed) -> new StreamResponse(redeemed, ticketReplay))
					.onErrorResume(ProblemResponses::of);
			}
			claims = this.hub.verify(RequestTokens.require(request));
			replay = replay(request);
		}
		catch (RuntimeException ex) {
			return ProblemResponses.of(ex);
		}
		return Mono.just(new StreamResponse(claims, replay));
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
		return RealtimeHub.replay(lastEventId, QueryParameters.first(request, "history"));
	}

	/**
	 * The response to a subscription: the stream's status and headers, then the stream.
	 * WebFlux holds the response while the stream is open, so its headers and cookies are
	 * shared constants instead of the copies a {@link ServerResponse#ok() builder} would
	 * make.
	 */
	private final class StreamResponse implements ServerResponse {

		private final TokenClaims claims;

		private final Replay replay;

		StreamResponse(TokenClaims claims, Replay replay) {
			this.claims = claims;
			this.replay = replay;
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
					permit = RealtimeSseHandler.this.hub.ssePermit(this.claims);
				}
				catch (TooManyConnectionsException ex) {
					return ProblemResponses.of(ex).flatMap((problem) -> problem.writeTo(exchange, context));
				}
				return stream(exchange).doFinally((signal) -> permit.release());
			});
		}

		private Mono<Void> stream(ServerWebExchange exchange) {
			ServerHttpResponse response = exchange.getResponse();
			response.setStatusCode(HttpStatus.OK);
			response.getHeaders().putAll(STREAM_HEADERS);
			if (RealtimeSseHandler.this.nettyOutput) {
				Mono<Void> stream = NettySseOutput.stream(response, RealtimeSseHandler.this.hub.writeTimeout(),
						this::session);
				if (stream != null) {
					return stream;
				}
			}
			RealtimeHub hub = RealtimeSseHandler.this.hub;
			return response.writeWith(FluxSseOutput.stream(hub.workerLoop(), response.bufferFactory(),
					hub.writeTimeout(), this::session));
		}

		private SseSession session(SseOutput output) {
			return RealtimeSseHandler.this.hub.sseSession(this.claims, this.replay, output);
		}

	}

}
