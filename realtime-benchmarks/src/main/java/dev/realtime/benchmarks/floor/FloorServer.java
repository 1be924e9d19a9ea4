package dev.realtime.benchmarks.floor;

import java.util.Map;

import dev.realtime.benchmarks.PacedDriver;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.server.HttpServerResponse;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseCookie;
import org.springframework.http.server.reactive.AbstractServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.util.CollectionUtils;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.server.ServerWebExchange;

/**
 * WebFlux's own cost of an open SSE response, for S4: {@code GET /realtime/sse} commits
 * the same headers the starter's endpoint commits, the same way, then holds the response
 * open, with no token, channel or stream behind it. What the starter's idle subscription
 * costs beyond this server's is the starter's own.
 *
 * @author Realtime team
 * @since 0.1.0
 */
@SpringBootApplication(excludeName = { "dev.realtime.autoconfigure.RealtimeAutoConfiguration",
		"dev.realtime.autoconfigure.RealtimeWebFluxAutoConfiguration",
		"dev.realtime.autoconfigure.RealtimeWebFluxSecurityAutoConfiguration",
		"dev.realtime.autoconfigure.RealtimeRunsAutoConfiguration" })
public class FloorServer {

	/**
	 * Run the server.
	 * @param args Spring Boot arguments such as {@code --server.port}
	 */
	public static void main(String[] args) {
		SpringApplication.run(FloorServer.class, args);
	}

	@Bean
	RouterFunction<ServerResponse> floorRoutes() {
		return RouterFunctions.route()
			.GET("/realtime/sse", (request) -> Mono.just(new HeldOpenResponse()))
			.GET("/bench/heap",
					(request) -> ServerResponse.ok()
						.body(Mono.fromCallable(() -> Map.of("heap", PacedDriver.heapAfterGc()))
							.subscribeOn(Schedulers.boundedElastic()), Map.class))
			.build();
	}

	/**
	 * A response that sets the starter's status and headers the way the starter's SSE
	 * endpoint does (shared constants, no builder), has WebFlux commit them and Reactor
	 * Netty send them, then stays open with nothing behind it.
	 */
	static final class HeldOpenResponse implements ServerResponse {

		private static final HttpHeaders HEADERS = streamHeaders();

		private static final MultiValueMap<String, ResponseCookie> NO_COOKIES = CollectionUtils
			.unmodifiableMultiValueMap(new LinkedMultiValueMap<>());

		@Override
		public HttpStatusCode statusCode() {
			return HttpStatus.OK;
		}

		@Override
		public HttpHeaders headers() {
			return HEADERS;
		}

		@Override
		public MultiValueMap<String, ResponseCookie> cookies() {
			return NO_COOKIES;
		}

		@Override
		public Mono<Void> writeTo(ServerWebExchange exchange, Context context) {
			ServerHttpResponse response = exchange.getResponse();
			response.setStatusCode(HttpStatus.OK);
			response.getHeaders().putAll(HEADERS);
			HttpServerResponse nativeResponse = ((AbstractServerHttpResponse) response).getNativeResponse();
			return new HeldOpen(response, nativeResponse);
		}

		private static HttpHeaders streamHeaders() {
			HttpHeaders headers = new HttpHeaders();
			headers.setContentType(MediaType.TEXT_EVENT_STREAM);
			headers.setCacheControl(CacheControl.noStore());
			headers.set("X-Accel-Buffering", "no");
			return HttpHeaders.readOnlyHttpHeaders(headers);
		}

	}

	/**
	 * Commits the response, sends its head, then never completes; one object, as the
	 * starter's stream output is, so that no operator chain stays behind it.
	 */
	static final class HeldOpen extends Mono<Void> implements CoreSubscriber<Void>, Subscription {

		private @Nullable ServerHttpResponse committing;

		private @Nullable HttpServerResponse sending;

		HeldOpen(ServerHttpResponse response, HttpServerResponse nativeResponse) {
			this.committing = response;
			this.sending = nativeResponse;
		}

		@Override
		public void subscribe(CoreSubscriber<? super Void> actual) {
			actual.onSubscribe(this);
			ServerHttpResponse response = this.committing;
			if (response != null) {
				response.setComplete().subscribe(this);
			}
		}

		@Override
		public void onSubscribe(Subscription subscription) {
			subscription.request(Long.MAX_VALUE);
		}

		@Override
		public void onNext(Void ignored) {
		}

		@Override
		public void onError(Throwable ex) {
		}

		@Override
		public void onComplete() {
			HttpServerResponse sending = this.sending;
			this.sending = null;
			if (this.committing != null && sending != null) {
				this.committing = null;
				sending.sendHeaders().then().subscribe(this);
			}
		}

		@Override
		public void request(long n) {
		}

		@Override
		public void cancel() {
		}

	}

}
