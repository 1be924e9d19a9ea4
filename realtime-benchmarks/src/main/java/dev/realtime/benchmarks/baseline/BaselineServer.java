package dev.realtime.benchmarks.baseline;

import java.util.Map;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.reactive.handler.SimpleUrlHandlerMapping;

/**
 * The hand-written baseline: what a Spring developer writes without the starter. SSE on
 * {@code GET /sse/{channel}}, WebSocket on {@code /ws/{channel}}, the same publish, drive
 * and heap endpoints as the starter's server.
 *
 * @author Realtime team
 * @since 0.1.0
 */
@SpringBootApplication(excludeName = { "dev.realtime.autoconfigure.RealtimeAutoConfiguration",
		"dev.realtime.autoconfigure.RealtimeWebFluxAutoConfiguration",
		"dev.realtime.autoconfigure.RealtimeWebFluxSecurityAutoConfiguration",
		"dev.realtime.autoconfigure.RealtimeRunsAutoConfiguration" })
public class BaselineServer {

	/**
	 * Run the server.
	 * @param args Spring Boot arguments such as {@code --server.port}
	 */
	public static void main(String[] args) {
		SpringApplication.run(BaselineServer.class, args);
	}

	@Bean
	HandlerMapping baselineWebSocketMapping(BaselineChannels channels) {
		return new SimpleUrlHandlerMapping(Map.of("/ws/*", new BaselineWebSocketHandler(channels)), -1);
	}

}
