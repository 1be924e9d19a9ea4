package dev.realtime.autoconfigure;

import org.springframework.test.context.TestPropertySource;

/**
 * Slow consumers cut off on Spring MVC and Tomcat.
 */
@TestPropertySource(properties = "spring.main.web-application-type=servlet")
class WebMvcSlowConsumerTests extends RealtimeSlowConsumerContractTests {

}
