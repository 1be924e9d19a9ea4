package dev.realtime.autoconfigure;

import org.springframework.test.context.TestPropertySource;

/**
 * The wire contract on WebFlux and Reactor Netty.
 */
@TestPropertySource(properties = "spring.main.web-application-type=reactive")
class WebFluxEndpointsContractTests extends RealtimeEndpointsContractTests {

}
