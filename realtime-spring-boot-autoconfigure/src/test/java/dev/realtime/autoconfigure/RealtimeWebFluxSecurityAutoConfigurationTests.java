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
		.withUserConfiguration(ChannelsConfiguration.class);

	@Test
	void whenApplicationHasNoChainThenSpringSecurityDefaultsStillProtectEverythingElse() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasBean("realtimeSecurityWebFilterChain").hasBean("applicationSecurityWebFilterChain");
			WebTestClient client = client(context);
			client.get().uri("/realtime/client.js").exchange().expectStatus().isOk();
			client.get()
				.uri("/realtime/sse")
				.exchange()
				.expectStatus()
				.isUnauthorized()
				.expectBody()
				.jsonPath("$.detail")
				.value((String detail) -> assertThat(detail).startsWith("Missing token"));
			client.get().uri("/anything-else").exchange().expectStatus().isUnauthorized();
			client.post().uri("/realtime/token").exchange().expectStatus().is4xxClientError();
		});
	}

	@Test
	void whenApplicationDefinesItsChainThenOnlyTheRealtimeChainIsAdded() {
		this.contextRunner.withUserConfiguration(ApplicationSecurityConfiguration.class).run((context) -> {
			assertThat(context).hasBean("realtimeSecurityWebFilterChain")
				.doesNotHaveBean("applicationSecurityWebFilterChain");
			assertThat(context.getBeansOfType(SecurityWebFilterChain.class)).hasSize(2);
			WebTestClient client = client(context);
			client.get().uri("/realtime/client.js").exchange().expectStatus().isOk();
			client.get().uri("/open").exchange().expectStatus().isNotFound();
		});
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
			return http.authorizeExchange((exchanges) -> exchanges.anyExchange().permitAll()).build();
		}

	}

}
