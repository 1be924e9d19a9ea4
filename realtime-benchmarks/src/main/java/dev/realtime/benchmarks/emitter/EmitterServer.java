package dev.realtime.benchmarks.emitter;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * The hand-written Spring MVC baseline: what a Spring developer writes on Spring MVC
 * without the starter, the textbook way. SSE on {@code GET /sse/{channel}} with an
 * {@code SseEmitter} per subscriber, and the same publish, drive, heap and allocation
 * endpoints as the other servers; no WebSocket. Run it as a servlet application
 * ({@code --spring.main.web-application-type=servlet}, as the runner does).
 *
 * @author Realtime team
 * @since 0.1.0
 */
@SpringBootApplication(excludeName = { "dev.realtime.autoconfigure.RealtimeAutoConfiguration",
		"dev.realtime.autoconfigure.RealtimeWebMvcAutoConfiguration",
		"dev.realtime.autoconfigure.RealtimeWebMvcSecurityAutoConfiguration",
		"dev.realtime.autoconfigure.RealtimeRunsAutoConfiguration" })
@EnableScheduling
public class EmitterServer {

	/**
	 * Run the server.
	 * @param args Spring Boot arguments such as {@code --server.port}
	 */
	public static void main(String[] args) {
		SpringApplication.run(EmitterServer.class, args);
	}

}
