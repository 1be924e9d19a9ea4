package dev.realtime.sample;

import java.util.Map;

import dev.realtime.token.PresenceInfoResolver;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.util.StringUtils;

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

	/**
	 * What the watchers of a run learn about each other: a display name, signed into each
	 * token, so that no page can claim to be someone else.
	 * @return the resolver
	 */
	@Bean
	PresenceInfoResolver presenceInfo() {
		return (authentication, channel) -> Map.of("name", StringUtils.capitalize(authentication.getName()));
	}

}
