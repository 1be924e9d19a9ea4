package dev.realtime.autoconfigure;

import java.util.Map;

import dev.realtime.ChannelCatalog;
import dev.realtime.catalog.DefaultChannelCatalog;
import dev.realtime.server.ClientAssets;
import dev.realtime.server.RealtimeHub;
import dev.realtime.server.ShutdownSignal;
import dev.realtime.server.webflux.RealtimeClientHandler;
import dev.realtime.server.webflux.RealtimeServerEndpoints;
import dev.realtime.token.ChannelAuthorizer;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.http.codec.autoconfigure.CodecsAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.boot.webflux.autoconfigure.HttpHandlerAutoConfiguration;
import org.springframework.boot.webflux.autoconfigure.WebFluxAutoConfiguration;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.HandlerMapping;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RealtimeWebFluxAutoConfiguration}.
 */
class RealtimeWebFluxAutoConfigurationTests {

	private final ReactiveWebApplicationContextRunner contextRunner = new ReactiveWebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, CodecsAutoConfiguration.class,
				ValidationAutoConfiguration.class, WebFluxAutoConfiguration.class, HttpHandlerAutoConfiguration.class,
				RealtimeAutoConfiguration.class, RealtimeServerAutoConfiguration.class,
				RealtimeWebFluxAutoConfiguration.class))
		.withUserConfiguration(ChannelsConfiguration.class);

	@Test
	void whenReactiveWebApplicationThenEndpointsAreConfigured() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(RealtimeServerEndpoints.class);
			assertThat(context).hasSingleBean(ShutdownSignal.class);
			assertThat(context).hasBean("realtimeRouterFunction");
			assertThat(context).hasBean("realtimeWebSocketHandlerMapping");
		});
	}

	@Test
	void whenNotAReactiveWebApplicationThenEndpointsBackOff() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, RealtimeAutoConfiguration.class,
					RealtimeServerAutoConfiguration.class, RealtimeWebFluxAutoConfiguration.class))
			.withUserConfiguration(ChannelsConfiguration.class)
			.run((context) -> assertThat(context).doesNotHaveBean(RealtimeServerEndpoints.class)
				.doesNotHaveBean(RealtimeHub.class));
	}

	@Test
	void whenWebSocketIsDisabledThenItsHandlerMappingBacksOff() {
		this.contextRunner.withPropertyValues("realtime.websocket.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean("realtimeWebSocketHandlerMapping")
				.hasSingleBean(RealtimeServerEndpoints.class));
	}

	@Test
	void whenUserDefinesAHandlerThenTheEndpointsUseIt() {
		this.contextRunner
			.withBean("customClientHandler", RealtimeClientHandler.class,
					() -> new RealtimeClientHandler(new ClientAssets(getClass().getClassLoader())))
			.run((context) -> assertThat(context).hasSingleBean(RealtimeClientHandler.class)
				.hasBean("customClientHandler")
				.hasSingleBean(RealtimeServerEndpoints.class));
	}

	@Test
	void whenUserDefinesShutdownSignalThenItIsUsed() {
		ShutdownSignal signal = new ShutdownSignal();
		this.contextRunner.withBean("customShutdownSignal", ShutdownSignal.class, () -> signal)
			.run((context) -> assertThat(context.getBean(ShutdownSignal.class)).isSameAs(signal));
	}

	@Test
	void whenTokenIsRequestedThenAuthorizerDecidesAndTokenIsMinted() {
		this.contextRunner.withUserConfiguration(OpenNotesConfiguration.class)
			.run((context) -> client(context).post()
				.uri("/realtime/token")
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue(Map.of("channel", "notes:alice"))
				.exchange()
				.expectStatus()
				.isOk()
				.expectBody()
				.jsonPath("$.channel")
				.isEqualTo("notes:alice")
				.jsonPath("$.topics[0]")
				.isEqualTo("notes"));
	}

	@Test
	void whenBasePathIsSetThenEndpointsMoveThere() {
		this.contextRunner.withPropertyValues("realtime.base-path=/live").run((context) -> {
			client(context).get().uri("/live/client.js").exchange().expectStatus().isOk();
			client(context).get().uri("/realtime/client.js").exchange().expectStatus().isNotFound();
			assertThat(context.getBean("realtimeWebSocketHandlerMapping", HandlerMapping.class)).isNotNull();
		});
	}

	@Test
	void whenEndpointsAreDisabledThenTheyAreNotRouted() {
		this.contextRunner
			.withPropertyValues("realtime.token.endpoint-enabled=false", "realtime.sse.enabled=false",
					"realtime.publish.enabled=false", "realtime.client.enabled=false")
			.run((context) -> {
				WebTestClient client = client(context);
				client.post()
					.uri("/realtime/token")
					.contentType(MediaType.APPLICATION_JSON)
					.bodyValue("{}")
					.exchange()
					.expectStatus()
					.isNotFound();
				client.get().uri("/realtime/sse").exchange().expectStatus().isNotFound();
				client.post().uri("/realtime/publish").exchange().expectStatus().isNotFound();
				client.get().uri("/realtime/client.js").exchange().expectStatus().isNotFound();
			});
	}

	private static WebTestClient client(ApplicationContext context) {
		return WebTestClient.bindToApplicationContext(context).build();
	}

	@Configuration(proxyBeanMethods = false)
	static class ChannelsConfiguration {

		@Bean
		ChannelCatalog channelCatalog() {
			return DefaultChannelCatalog.of(TestPipeline.class, TestNotes.class);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OpenNotesConfiguration {

		@Bean
		ChannelAuthorizer openNotes() {
			return (request) -> Mono.just(request.channel().name().startsWith("notes:"));
		}

	}

}
