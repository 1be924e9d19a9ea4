package dev.realtime.autoconfigure;

import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;

import org.springframework.test.context.TestPropertySource;

/**
 * The wire contract on Spring MVC and Tomcat with virtual threads, where Tomcat runs each
 * request on a virtual thread of its own.
 */
@EnabledForJreRange(min = JRE.JAVA_21)
@TestPropertySource(properties = { "spring.main.web-application-type=servlet", "spring.threads.virtual.enabled=true" })
class WebMvcVirtualThreadsEndpointsContractTests extends RealtimeEndpointsContractTests {

}
