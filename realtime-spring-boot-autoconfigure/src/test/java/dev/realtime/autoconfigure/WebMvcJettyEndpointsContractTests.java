package dev.realtime.autoconfigure;

import org.junit.jupiter.api.condition.EnabledIf;

import org.springframework.boot.jetty.servlet.JettyServletWebServerFactory;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.TestPropertySource;
import org.springframework.util.ClassUtils;

/**
 * The wire contract on Spring MVC and Jetty, with its Jakarta WebSocket support. Jetty
 * and Tomcat cannot share a class path: the build runs this test in an execution of its
 * own, without Tomcat, and skips it where Jetty is absent.
 */
@EnabledIf("jettyPresent")
@TestPropertySource(properties = "spring.main.web-application-type=servlet")
@Import(WebMvcJettyEndpointsContractTests.Jetty.class)
class WebMvcJettyEndpointsContractTests extends RealtimeEndpointsContractTests {

	static boolean jettyPresent() {
		return ClassUtils.isPresent("org.eclipse.jetty.server.Server",
				WebMvcJettyEndpointsContractTests.class.getClassLoader());
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class Jetty {

		@Bean
		JettyServletWebServerFactory jettyServletWebServerFactory() {
			return new JettyServletWebServerFactory();
		}

	}

}
