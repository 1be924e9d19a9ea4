package dev.realtime.autoconfigure;

import dev.realtime.ChannelCatalog;
import dev.realtime.catalog.DefaultChannelCatalog;
import dev.realtime.server.ClientAssets;
import dev.realtime.server.RealtimeHub;
import dev.realtime.server.webmvc.RealtimeClientHandler;
import dev.realtime.server.webmvc.RealtimeServerEndpoints;
import dev.realtime.server.webmvc.RealtimeSseHandler;
import dev.realtime.token.ChannelAuthorizer;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.http.converter.autoconfigure.HttpMessageConvertersAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.DispatcherServletAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.web.context.WebApplicationContext;
import org.springframework.web.socket.server.support.WebSocketHandlerMapping;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RealtimeWebMvcAutoConfiguration}.
 */
class RealtimeWebMvcAutoConfigurationTests {

	private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class,
				HttpMessageConvertersAutoConfiguration.class, ValidationAutoConfiguration.class,
				DispatcherServletAutoConfiguration.class, WebMvcAutoConfiguration.class,
				RealtimeAutoConfiguration.class, RealtimeServerAutoConfiguration.class,
				RealtimeWebFluxAutoConfiguration.class, RealtimeWebMvcAutoConfiguration.class))
		.withUserConfiguration(ChannelsConfiguration.class);

	@Test
	void whenServletWebApplicationThenMvcEndpointsAreConfiguredAndWebFluxOnesAreNot() {
		this.contextRunner.run((context) -> assertThat(context).hasSingleBean(RealtimeHub.class)
			.hasSingleBean(RealtimeServerEndpoints.class)
			.hasBean("realtimeRouterFunction")
			.hasSingleBean(WebSocketHandlerMapping.class)
			.doesNotHaveBean(dev.realtime.server.webflux.RealtimeServerEndpoints.class));
	}

	@Test
	void whenReactiveWebApplicationThenMvcEndpointsBackOff() {
		new ReactiveWebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, RealtimeAutoConfiguration.class,
					RealtimeServerAutoConfiguration.class, RealtimeWebMvcAutoConfiguration.class))
			.withUserConfiguration(ChannelsConfiguration.class)
			.run((context) -> assertThat(context).hasSingleBean(RealtimeHub.class)
				.doesNotHaveBean(RealtimeServerEndpoints.class)
				.doesNotHaveBean(WebSocketHandlerMapping.class));
	}

	@Test
	void whenWebSocketIsDisabledThenItsHandlerMappingBacksOff() {
		this.contextRunner.withPropertyValues("realtime.websocket.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(WebSocketHandlerMapping.class)
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
	void whenTokenIsRequestedThenAuthorizerDecidesAndTokenIsMintedAsynchronously() {
		this.contextRunner.withUserConfiguration(OpenNotesConfiguration.class)
			.run((context) -> assertThat(mvc(context).post()
				.uri("/realtime/token")
				.contentType(MediaType.APPLICATION_JSON)
				.content("{\"channel\":\"notes:alice\"}")).hasStatusOk()
				.bodyJson()
				.extractingPath("$.channel")
				.isEqualTo("notes:alice"));
	}

	@Test
	void whenRequestIsMalformedThenProblemDetailsAnswer() {
		this.contextRunner.run((context) -> {
			MockMvcTester mvc = mvc(context);
			assertThat(mvc.post().uri("/realtime/token").contentType(MediaType.TEXT_PLAIN).content("x"))
				.hasStatus(HttpStatus.UNSUPPORTED_MEDIA_TYPE)
				.hasContentType(MediaType.APPLICATION_PROBLEM_JSON)
				.hasHeader("Accept", MediaType.APPLICATION_JSON_VALUE);
			assertThat(mvc.get().uri("/realtime/sse")).hasStatus(HttpStatus.UNAUTHORIZED)
				.hasContentType(MediaType.APPLICATION_PROBLEM_JSON)
				.bodyJson()
				.extractingPath("$.detail")
				.asString()
				.startsWith("Missing token");
		});
	}

	@Test
	void whenBasePathIsSetThenEndpointsMoveThere() {
		this.contextRunner.withPropertyValues("realtime.base-path=/live").run((context) -> {
			MockMvcTester mvc = mvc(context);
			assertThat(mvc.get().uri("/live/client.js")).hasStatusOk().hasContentTypeCompatibleWith("text/javascript");
			assertThat(mvc.get().uri("/realtime/client.js")).hasStatus(HttpStatus.NOT_FOUND);
			assertThat(context.getBean(WebSocketHandlerMapping.class).getUrlMap()).containsOnlyKeys("/live/ws");
		});
	}

	@Test
	void whenEndpointsAreDisabledThenTheyAreNotRouted() {
		this.contextRunner
			.withPropertyValues("realtime.token.endpoint-enabled=false", "realtime.sse.enabled=false",
					"realtime.publish.enabled=false", "realtime.client.enabled=false")
			.run((context) -> {
				MockMvcTester mvc = mvc(context);
				assertThat(mvc.post().uri("/realtime/token").contentType(MediaType.APPLICATION_JSON).content("{}"))
					.hasStatus(HttpStatus.NOT_FOUND);
				assertThat(mvc.get().uri("/realtime/sse")).hasStatus(HttpStatus.NOT_FOUND);
				assertThat(mvc.post().uri("/realtime/publish")).hasStatus(HttpStatus.NOT_FOUND);
				assertThat(mvc.get().uri("/realtime/client.js")).hasStatus(HttpStatus.NOT_FOUND);
			});
	}

	@Test
	void whenUserDefinesTheSseHandlerThenTheEndpointsUseIt() {
		this.contextRunner.withUserConfiguration(CustomSseHandlerConfiguration.class)
			.run((context) -> assertThat(context).hasSingleBean(RealtimeSseHandler.class)
				.hasBean("customSseHandler")
				.hasSingleBean(RealtimeServerEndpoints.class));
	}

	private static MockMvcTester mvc(WebApplicationContext context) {
		return MockMvcTester.from(context);
	}

	@Configuration(proxyBeanMethods = false)
	static class ChannelsConfiguration {

		@Bean
		ChannelCatalog channelCatalog() {
			return DefaultChannelCatalog.of(TestPipeline.class, TestNotes.class);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class CustomSseHandlerConfiguration {

		@Bean
		RealtimeSseHandler customSseHandler(RealtimeHub hub) {
			return new RealtimeSseHandler(hub);
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
