package dev.realtime.autoconfigure;

import org.springframework.test.context.TestPropertySource;

/**
 * Slow consumers cut off on WebFlux and Reactor Netty.
 */
@TestPropertySource(properties = "spring.main.web-application-type=reactive")
class WebFluxSlowConsumerTests extends RealtimeSlowConsumerContractTests {

}
