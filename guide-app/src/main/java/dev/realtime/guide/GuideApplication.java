package dev.realtime.guide;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The application of the README's five-minute guide: its code is the guide's, verbatim
 * ({@code ReadmeGuideTests} keeps them in sync).
 *
 * @author Realtime team
 */
@SpringBootApplication
public class GuideApplication {

	public static void main(String[] args) {
		SpringApplication.run(GuideApplication.class, args);
	}

}
