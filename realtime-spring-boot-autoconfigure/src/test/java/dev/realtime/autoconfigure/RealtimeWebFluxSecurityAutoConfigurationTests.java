package dev.realtime.autoconfigure;

import dev.realtime.ChannelCatalog;
import dev.realtime.catalog.DefaultChannelCatalog;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.http.codec.autoconfigure.CodecsAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.security.autoconfigure.ReactiveUserDetailsServiceAutoConfiguration;
import org.springframework.boot.security.autoconfigure.web.reactive.ReactiveWebSecurityAutoConfiguration;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.webflux.autoconfigure.HttpHandlerAutoConfiguration;
import org.springframework.boot.webflux.autoconfigure.WebFluxAutoConfiguration;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.MediaType;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RealtimeWebFluxSecurityAutoConfiguration}.
 */
class RealtimeWebFluxSecurityAutoConfigurationTests {

	private final ReactiveWebApplicationContextRunner contextRunner = new ReactiveWebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, CodecsAutoConfiguration.class,
				WebFluxAutoConfiguration.class, HttpHandlerAutoConfiguration.class,
				ReactiveWebSecurityAutoConfiguration.class, ReactiveUserDetailsServiceAutoConfiguration.class,
				RealtimeAutoConfiguration.class, RealtimeServerAutoConfiguration.class,
				RealtimeWebFluxAutoConfiguration.class, RealtimeWebFluxSecurityAutoConfiguration.class))
		.withPropertyValues("spring.security.user.name=alice", "spring.security.user.password=alice")
		.withUserConfiguration(ChannelsConfiguration.class);

	@Test
	void whenApplicationHasNoChainThenSpringSecurityDefaultsProtectEverythingButTheTokenAuthenticatedPaths() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasBean("realtimeServerHttpSecurityCustomizer");
			assertThat(context.getBeansOfType(SecurityWebFilterChain.class)).isEmpty();
			WebTestClient client = client(context);
			client.get().uri("/realtime/client.js").exchange().expectStatus().isOk();
			expectMissingToken(client.get().uri("/realtime/sse").exchange());
			client.get().uri("/anything-else").exchange().expectStatus().isUnauthorized();
			client.get().uri("/realtime/sse/more").exchange().expectStatus().isUnauthorized();
		});
	}

	@Test
	void whenApplicationDefinesItsChainThenTheRealtimePathsArePermittedInItAndNothingElseIs() {
		this.contextRunner.withUserConfiguration(ApplicationSecurityConfiguration.class).run((context) -> {
			assertThat(context.getBeansOfType(SecurityWebFilterChain.class)).containsOnlyKeys("applicationChain");
			WebTestClient client = client(context);
			client.get().uri("/realtime/react.js").exchange().expectStatus().isOk();
			expectMissingToken(client.get().uri("/realtime/sse").exchange());
			client.get().uri("/open").exchange().expectStatus().isUnauthorized();
		});
	}

	@Test
	void whenPostsCarryNoCsrfTokenThenOnlyTheTokenEndpointIsRefused() {
		this.contextRunner.run((context) -> {
			WebTestClient client = client(context);
			expectMissingToken(client.post()
				.uri("/realtime/publish")
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue("{}")
				.exchange());
			client.post()
				.uri("/realtime/token")
				.headers((headers) -> headers.setBasicAuth("alice", "alice"))
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue("{\"channel\":\"notes:alice\"}")
				.exchange()
				.expectStatus()
				.isForbidden();
		});
	}

	@Test
	void whenEndpointsAreDisabledThenTheirPathsAreNotPermitted() {
		this.contextRunner.withPropertyValues("realtime.sse.enabled=false", "realtime.client.enabled=false")
			.run((context) -> {
				WebTestClient client = client(context);
				client.get().uri("/realtime/sse").exchange().expectStatus().isUnauthorized();
				client.get().uri("/realtime/client.js").exchange().expectStatus().isUnauthorized();
			});
	}

	@Test
	void whenTurnedOffThenTheApplicationsRulesAloneApply() {
		this.contextRunner.withPropertyValues("realtime.security.enabled=false").run((context) -> {
			assertThat(context).doesNotHaveBean("realtimeServerHttpSecurityCustomizer");
			client(context).get().uri("/realtime/client.js").exchange().expectStatus().isUnauthorized();
		});
	}

	private static void expectMissingToken(WebTestClient.ResponseSpec response) {
		response.expectStatus()
			.isUnauthorized()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.detail")
			.value((String detail) -> assertThat(detail).startsWith("Missing token"));
	}

	private static WebTestClient client(ApplicationContext context) {
		return WebTestClient.bindToApplicationContext(context).build();
	}

	@Configuration(proxyBeanMethods = false)
	static class ChannelsConfiguration {

		@Bean
		ChannelCatalog channelCatalog() {
			return DefaultChannelCatalog.of(TestNotes.class);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ApplicationSecurityConfiguration {

		@Bean
		SecurityWebFilterChain applicationChain(ServerHttpSecurity http) {
			return http.authorizeExchange((exchanges) -> exchanges.anyExchange().authenticated())
				.httpBasic(Customizer.withDefaults())
				.build();
		}

	}

}
