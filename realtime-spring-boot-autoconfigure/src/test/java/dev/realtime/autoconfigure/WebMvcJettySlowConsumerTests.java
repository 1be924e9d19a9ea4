package dev.realtime.autoconfigure;

import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

import org.springframework.context.annotation.Import;
import org.springframework.test.context.TestPropertySource;

/**
 * Slow consumers cut off on Spring MVC and Jetty, in the build's Jetty execution.
 */
@EnabledIf("dev.realtime.autoconfigure.WebMvcJettyEndpointsContractTests#jettyPresent")
@TestPropertySource(properties = "spring.main.web-application-type=servlet")
@Import(WebMvcJettyEndpointsContractTests.Jetty.class)
class WebMvcJettySlowConsumerTests extends RealtimeSlowConsumerContractTests {

	@Override
	@Test
	@Disabled("Jetty answers a client's close frame itself and keeps the connection until its idle timeout "
			+ "when that client does not read; the application is not told before")
	void whenWebSocketClientThatDoesNotReadUnsubscribesAndClosesThenItsConnectionIsClosed() {
	}

}
