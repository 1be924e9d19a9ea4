package dev.realtime.benchmarks.floor;

import java.util.Map;

import dev.realtime.benchmarks.PacedDriver;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.server.HttpServerResponse;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.AbstractServerHttpResponse;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

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
			.GET("/realtime/sse", (request) -> ServerResponse.ok().body((response, context) -> {
				HttpHeaders headers = response.getHeaders();
				headers.setContentType(MediaType.TEXT_EVENT_STREAM);
				headers.setCacheControl(CacheControl.noStore());
				headers.set("X-Accel-Buffering", "no");
				HttpServerResponse nativeResponse = ((AbstractServerHttpResponse) response).getNativeResponse();
				return response.setComplete()
					.then(Mono.defer(() -> nativeResponse.sendHeaders().then()))
					.then(Mono.never());
			}))
			.GET("/bench/heap",
					(request) -> ServerResponse.ok()
						.body(Mono.fromCallable(() -> Map.of("heap", PacedDriver.heapAfterGc()))
							.subscribeOn(Schedulers.boundedElastic()), Map.class))
			.build();
	}

}
