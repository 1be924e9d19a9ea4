package dev.realtime.autoconfigure;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.security.autoconfigure.web.reactive.ReactiveWebSecurityAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatchers;

/**
 * Lets the realtime endpoints that authenticate with a subscription token (SSE, stream
 * tickets, WebSocket, client publishing, run cancelling and the client modules) through
 * Spring Security, without touching the rest of the application's security. The token
 * endpoint stays behind the application's own filter chain, which authenticates the
 * caller.
 * <p>
 * When the application defines no {@link SecurityWebFilterChain} of its own, the
 * application-wide chain Spring Security would have applied by default (every request
 * authenticated, form login and HTTP Basic) is contributed beside the realtime one, so
 * adding the starter never opens up anything.
 *
 * @author Realtime team
 * @since 0.1.0
 */
@AutoConfiguration(after = { ReactiveWebSecurityAutoConfiguration.class, RealtimeWebFluxAutoConfiguration.class })
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
@ConditionalOnClass({ ServerHttpSecurity.class, SecurityWebFilterChain.class })
@ConditionalOnBean(ServerHttpSecurity.class)
public final class RealtimeWebFluxSecurityAutoConfiguration {

	/**
	 * Order of the realtime filter chain, ahead of application chains.
	 */
	public static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 100;

	@Bean
	@Order(ORDER)
	SecurityWebFilterChain realtimeSecurityWebFilterChain(ServerHttpSecurity http, RealtimeProperties properties) {
		String base = properties.getBasePath();
		return http
			.securityMatcher(ServerWebExchangeMatchers.pathMatchers(base + "/sse", base + "/ticket", base + "/ws",
					base + "/publish", base + "/runs/*/cancel", base + "/client.js", base + "/react.js",
					base + "/channels.d.ts"))
			.authorizeExchange((exchanges) -> exchanges.anyExchange().permitAll())
			.csrf(ServerHttpSecurity.CsrfSpec::disable)
			.requestCache(ServerHttpSecurity.RequestCacheSpec::disable)
			.securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
			.build();
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnMissingBean(SecurityWebFilterChain.class)
	static class DefaultApplicationSecurityConfiguration {

		@Bean
		@Order(Ordered.LOWEST_PRECEDENCE)
		SecurityWebFilterChain applicationSecurityWebFilterChain(ServerHttpSecurity http) {
			return http.authorizeExchange((exchanges) -> exchanges.anyExchange().authenticated())
				.httpBasic(Customizer.withDefaults())
				.formLogin(Customizer.withDefaults())
				.build();
		}

	}

}
