package dev.realtime.server.webmvc;

import java.io.IOException;

import dev.realtime.engine.Replay;
import dev.realtime.server.ConnectionLimits;
import dev.realtime.server.RealtimeHub;
import dev.realtime.server.TooManyConnectionsException;
import dev.realtime.token.TokenClaims;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.util.Assert;
import org.springframework.util.CollectionUtils;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.servlet.ModelAndView;
import org.springframework.web.servlet.function.ServerRequest;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * Streams a channel as Server-Sent Events on async Servlet: {@code GET {base}/sse} with a
 * subscription token. The stream starts with {@code event: subscribed}, replays history
 * (or resumes after {@code Last-Event-ID}), then goes live; it ends with
 * {@code event: expired} when the token expires, {@code event: error} when the client is
 * too slow, and a {@code retry} hint when the application stops. No thread is held while
 * the stream is open: frames are written with non-blocking Servlet I/O from a worker loop
 * of the hub, and every subscriber writes the same pre-encoded bytes of each message.
 *
 * @author Realtime team
 * @since 0.1.0
 */
public final class RealtimeSseHandler {

	private static final HttpHeaders STREAM_HEADERS = streamHeaders();

	private static final MultiValueMap<String, Cookie> NO_COOKIES = CollectionUtils
		.unmodifiableMultiValueMap(new LinkedMultiValueMap<>());

	private final RealtimeHub hub;

	/**
	 * Create a new handler.
	 * @param hub the hub
	 */
	public RealtimeSseHandler(RealtimeHub hub) {
		Assert.notNull(hub, "'hub' must not be null");
		this.hub = hub;
	}

	/**
	 * Handle a subscription request.
	 * @param request the request
	 * @return the event stream, or a problem response before the stream starts
	 */
	public ServerResponse handleRequest(ServerRequest request) {
		try {
			String ticket = ServletRequests.ticket(request);
			if (ticket != null) {
				// read the request before the ticket is used up
				Replay ticketReplay = replay(request);
				return ServerResponse.async(this.hub.redeem(ticket)
					.<ServerResponse>map((claims) -> new StreamResponse(claims, ticketReplay))
					.onErrorResume((ex) -> Mono.just(ProblemResponses.of(ex))));
			}
			TokenClaims claims = this.hub.verify(ServletRequests.token(request));
			return new StreamResponse(claims, replay(request));
		}
		catch (RuntimeException ex) {
			return ProblemResponses.of(ex);
		}
	}

	private static HttpHeaders streamHeaders() {
		HttpHeaders headers = new HttpHeaders();
		headers.setContentType(MediaType.TEXT_EVENT_STREAM);
		headers.setCacheControl(CacheControl.noStore());
		headers.set("X-Accel-Buffering", "no");
		return HttpHeaders.readOnlyHttpHeaders(headers);
	}

	private static Replay replay(ServerRequest request) {
		String lastEventId = request.servletRequest().getHeader("Last-Event-ID");
		if (lastEventId == null) {
			lastEventId = ServletRequests.queryParameter(request, "lastEventId");
		}
		return RealtimeHub.replay(lastEventId, ServletRequests.queryParameter(request, "history"));
	}

	/**
	 * The response to a subscription: the stream's status and headers, then the stream on
	 * the request's async context, which the stream completes when it ends.
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
		public MultiValueMap<String, Cookie> cookies() {
			return NO_COOKIES;
		}

		/**
		 * Start the stream, or write a 429 problem when the token or its principal holds
		 * as many streams as it may; the stream's place is given back however it ends.
		 */
		@Override
		public @Nullable ModelAndView writeTo(HttpServletRequest request, HttpServletResponse response, Context context)
				throws ServletException, IOException {
			RealtimeHub hub = RealtimeSseHandler.this.hub;
			ConnectionLimits.Permit permit;
			try {
				permit = hub.ssePermit(this.claims);
			}
			catch (TooManyConnectionsException ex) {
				return ProblemResponses.of(ex).writeTo(request, response, context);
			}
			try {
				response.setStatus(HttpStatus.OK.value());
				STREAM_HEADERS.forEach((name, values) -> values.forEach((value) -> response.addHeader(name, value)));
				AsyncContext async = request.startAsync(request, response);
				// the stream ends itself: at token expiry, for a slow client, at shutdown
				async.setTimeout(0);
				ServletSseOutput.stream(hub.workerLoop(), async, hub.writeTimeout(),
						(output) -> hub.sseSession(this.claims, this.replay, output), permit::release);
			}
			catch (IOException | RuntimeException ex) {
				permit.release();
				throw ex;
			}
			return null;
		}

	}

}
