package dev.realtime.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * Runs the sample: {@code ./mvnw -pl sample-app -am spring-boot:run}, then open
 * http://localhost:8080 and sign in as alice/alice or bob/bob.
 *
 * @author Realtime team
 */
@SpringBootApplication
public class SampleApplication {

	public static void main(String[] args) {
		SpringApplication.run(SampleApplication.class, args);
	}

}
