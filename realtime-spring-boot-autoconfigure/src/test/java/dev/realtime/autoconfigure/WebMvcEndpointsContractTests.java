package dev.realtime.autoconfigure;

import org.springframework.test.context.TestPropertySource;

/**
 * The wire contract on Spring MVC and Tomcat.
 */
@TestPropertySource(properties = "spring.main.web-application-type=servlet")
class WebMvcEndpointsContractTests extends RealtimeEndpointsContractTests {

}
