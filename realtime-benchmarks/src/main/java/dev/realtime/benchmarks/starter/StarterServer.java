package dev.realtime.benchmarks.starter;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The server under test built with the starter: channel {@code bench:{id}} plus the
 * endpoints of {@link StarterBenchController}.
 *
 * @author Realtime team
 * @since 0.1.0
 */
@SpringBootApplication
public class StarterServer {

	/**
	 * Run the server.
	 * @param args Spring Boot arguments such as {@code --server.port}
	 */
	public static void main(String[] args) {
		SpringApplication.run(StarterServer.class, args);
	}

}
