package dev.realtime.guide.mvc;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The application of the README's five-minute guide on Spring MVC: the guide's channel,
 * controller and page, verbatim, on Tomcat ({@code GuideMvcSharedCodeTests} keeps them
 * equal to the WebFlux guide's, {@code GuideMvcReadmeTests} keeps the README's Spring MVC
 * blocks equal to this module's files).
 *
 * @author Realtime team
 */
@SpringBootApplication
public class GuideMvcApplication {

	public static void main(String[] args) {
		SpringApplication.run(GuideMvcApplication.class, args);
	}

}
