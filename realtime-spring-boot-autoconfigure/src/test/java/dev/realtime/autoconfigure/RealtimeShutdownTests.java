package dev.realtime.autoconfigure;

import dev.realtime.ChannelCatalog;
import dev.realtime.catalog.DefaultChannelCatalog;
import dev.realtime.token.RealtimeTokens;
import dev.realtime.token.TokenRequest;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests that open streams end with a reconnect hint when the application stops, on either
 * web stack.
 */
class RealtimeShutdownTests {

	@Test
	void whenWebFluxApplicationStopsThenSseStreamsEndWithRetryAndWebSocketsCloseWithGoingAway() throws Exception {
		assertStreamsEndWhenApplicationStops(WebApplicationType.REACTIVE);
	}

	@Test
	void whenSpringMvcApplicationStopsThenSseStreamsEndWithRetryAndWebSocketsCloseWithGoingAway() throws Exception {
		assertStreamsEndWhenApplicationStops(WebApplicationType.SERVLET);
	}

	private void assertStreamsEndWhenApplicationStops(WebApplicationType stack) throws Exception {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(ShutdownApplication.class).web(stack)
			.properties("server.port=0", "spring.main.banner-mode=off", "server.shutdown=graceful",
					"spring.autoconfigure.exclude=org.springframework.boot.security.autoconfigure.web.reactive.ReactiveWebSecurityAutoConfiguration,"
							+ "org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration,"
							+ "org.springframework.boot.security.autoconfigure.actuate.web.reactive.ReactiveManagementWebSecurityAutoConfiguration,"
							+ "org.springframework.boot.security.autoconfigure.actuate.web.servlet.ManagementWebSecurityAutoConfiguration")
			.run();
		int port = ((WebServerApplicationContext) context).getWebServer().getPort();
		String token = context.getBean(RealtimeTokens.class).mint(TokenRequest.read("notes:alice")).token();
		try (SseTestClient sse = SseTestClient.connect(port, "/realtime/sse", token, null);
				WebSocketTestClient ws = WebSocketTestClient.connect(port, null)) {
			sse.next("subscribed");
			ws.send("{\"type\":\"subscribe\",\"token\":\"" + token + "\"}");
			assertThat(ws.next().path("type").asString()).isEqualTo("subscribed");
			context.close();
			SseTestClient.Event last = sse.next();
			assertThat(last.type()).isEqualTo("retry");
			assertThat(last.fields()).containsEntry("retry", "1000");
			assertThat(ws.closeStatus().getCode()).isEqualTo(1001);
		}
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class ShutdownApplication {

		@Bean
		ChannelCatalog channelCatalog() {
			return DefaultChannelCatalog.of(TestNotes.class);
		}

	}

}
