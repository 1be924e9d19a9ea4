package dev.realtime.autoconfigure;

import dev.realtime.ChannelCatalog;
import dev.realtime.catalog.DefaultChannelCatalog;
import jakarta.servlet.Filter;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.http.converter.autoconfigure.HttpMessageConvertersAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration;
import org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration;
import org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.webmvc.autoconfigure.DispatcherServletAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.test.web.servlet.assertj.MvcTestResult;
import org.springframework.web.context.WebApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RealtimeWebMvcSecurityAutoConfiguration}.
 */
class RealtimeWebMvcSecurityAutoConfigurationTests {

	private static final String ALICE = "Basic YWxpY2U6YWxpY2U=";

	private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class,
				HttpMessageConvertersAutoConfiguration.class, DispatcherServletAutoConfiguration.class,
				WebMvcAutoConfiguration.class, SecurityAutoConfiguration.class,
				ServletWebSecurityAutoConfiguration.class, UserDetailsServiceAutoConfiguration.class,
				RealtimeAutoConfiguration.class, RealtimeServerAutoConfiguration.class,
				RealtimeWebMvcAutoConfiguration.class, RealtimeWebMvcSecurityAutoConfiguration.class))
		.withPropertyValues("spring.security.user.name=alice", "spring.security.user.password=alice")
		.withUserConfiguration(ChannelsConfiguration.class);

	@Test
	void whenApplicationHasNoChainThenSpringSecurityDefaultsProtectEverythingButTheTokenAuthenticatedPaths() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasBean("realtimeHttpSecurityCustomizer");
			assertThat(context.getBeansOfType(SecurityFilterChain.class)).hasSize(1)
				.doesNotContainKey("realtimeSecurityFilterChain");
			MockMvcTester mvc = mvc(context);
			assertThat(mvc.get().uri("/realtime/client.js")).hasStatusOk();
			assertMissingToken(mvc.get().uri("/realtime/sse").exchange());
			assertThat(mvc.get().uri("/anything-else")).hasStatus(HttpStatus.UNAUTHORIZED);
			assertThat(mvc.get().uri("/realtime/sse/more")).hasStatus(HttpStatus.UNAUTHORIZED);
		});
	}

	@Test
	void whenApplicationDefinesItsChainThenTheRealtimePathsArePermittedInItAndNothingElseIs() {
		this.contextRunner.withUserConfiguration(ApplicationSecurityConfiguration.class).run((context) -> {
			assertThat(context.getBeansOfType(SecurityFilterChain.class)).containsOnlyKeys("applicationChain");
			MockMvcTester mvc = mvc(context);
			assertThat(mvc.get().uri("/realtime/react.js")).hasStatusOk();
			assertMissingToken(mvc.get().uri("/realtime/sse").exchange());
			assertThat(mvc.get().uri("/open")).hasStatus(HttpStatus.UNAUTHORIZED);
		});
	}

	@Test
	void whenPostsCarryNoCsrfTokenThenOnlyTheTokenEndpointIsRefused() {
		this.contextRunner.run((context) -> {
			MockMvcTester mvc = mvc(context);
			assertMissingToken(mvc.post()
				.uri("/realtime/publish")
				.contentType(MediaType.APPLICATION_JSON)
				.content("{}")
				.exchange());
			assertThat(mvc.post()
				.uri("/realtime/token")
				.header(HttpHeaders.AUTHORIZATION, ALICE)
				.contentType(MediaType.APPLICATION_JSON)
				.content("{\"channel\":\"notes:alice\"}")).hasStatus(HttpStatus.FORBIDDEN);
		});
	}

	@Test
	void whenEndpointsAreDisabledThenTheirPathsAreNotPermitted() {
		this.contextRunner.withPropertyValues("realtime.sse.enabled=false", "realtime.client.enabled=false")
			.run((context) -> {
				MockMvcTester mvc = mvc(context);
				assertThat(mvc.get().uri("/realtime/sse")).hasStatus(HttpStatus.UNAUTHORIZED);
				assertThat(mvc.get().uri("/realtime/client.js")).hasStatus(HttpStatus.UNAUTHORIZED);
			});
	}

	@Test
	void whenTurnedOffThenTheApplicationsRulesAloneApply() {
		this.contextRunner.withPropertyValues("realtime.security.enabled=false").run((context) -> {
			assertThat(context).doesNotHaveBean("realtimeHttpSecurityCustomizer");
			assertThat(mvc(context).get().uri("/realtime/client.js")).hasStatus(HttpStatus.UNAUTHORIZED);
		});
	}

	private static void assertMissingToken(MvcTestResult result) {
		assertThat(result).hasStatus(HttpStatus.UNAUTHORIZED)
			.hasContentType(MediaType.APPLICATION_PROBLEM_JSON)
			.bodyJson()
			.extractingPath("$.detail")
			.asString()
			.startsWith("Missing token");
	}

	private static MockMvcTester mvc(WebApplicationContext context) {
		Filter security = context.getBean("springSecurityFilterChain", Filter.class);
		return MockMvcTester.from(context, (builder) -> builder.addFilters(security).build());
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
		SecurityFilterChain applicationChain(HttpSecurity http) {
			return http.authorizeHttpRequests((requests) -> requests.anyRequest().authenticated())
				.httpBasic(Customizer.withDefaults())
				.build();
		}

	}

}
