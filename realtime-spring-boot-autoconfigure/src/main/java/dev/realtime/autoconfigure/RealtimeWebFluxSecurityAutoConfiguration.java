package dev.realtime.autoconfigure;

import dev.realtime.server.RealtimeHub;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.security.autoconfigure.web.reactive.ReactiveWebSecurityAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.csrf.CsrfWebFilter;
import org.springframework.security.web.server.util.matcher.AndServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.NegatedServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatchers;

/**
 * Lets the realtime endpoints that authenticate with a subscription token (SSE, stream
 * tickets, WebSocket, client publishing, run cancelling and the client modules) through
 * the application's {@link SecurityWebFilterChain}s, and nothing else: a
 * {@code Customizer<ServerHttpSecurity>}, which Spring Security applies to every chain
 * built from its {@link ServerHttpSecurity}, permits those paths ahead of the
 * application's own rules and exempts their {@code POST}s from CSRF protection. The rest
 * of the application's security, or Spring Boot's default, stays as it is. The token
 * endpoint stays behind the application's rules, which authenticate the caller.
 * <p>
 * {@code realtime.security.enabled=false} turns it off, for applications that permit the
 * paths in their own rules.
 *
 * @author Realtime team
 * @since 0.1.0
 */
@AutoConfiguration(after = { ReactiveWebSecurityAutoConfiguration.class, RealtimeWebFluxAutoConfiguration.class })
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
@ConditionalOnClass({ ServerHttpSecurity.class, SecurityWebFilterChain.class })
@ConditionalOnBean(RealtimeHub.class)
@ConditionalOnProperty(name = "realtime.security.enabled", matchIfMissing = true)
public final class RealtimeWebFluxSecurityAutoConfiguration {

	@Bean
	Customizer<ServerHttpSecurity> realtimeServerHttpSecurityCustomizer(RealtimeProperties properties,
			RealtimeHub hub) {
		RealtimeSecurityPaths paths = RealtimeSecurityPaths.of(properties, hub);
		return (http) -> {
			if (paths.isEmpty()) {
				return;
			}
			http.authorizeExchange(
					(exchanges) -> exchanges.pathMatchers(paths.all().toArray(String[]::new)).permitAll());
			if (!paths.posts().isEmpty()) {
				http.csrf((csrf) -> csrf
					.requireCsrfProtectionMatcher(new AndServerWebExchangeMatcher(CsrfWebFilter.DEFAULT_CSRF_MATCHER,
							new NegatedServerWebExchangeMatcher(ServerWebExchangeMatchers.pathMatchers(HttpMethod.POST,
									paths.posts().toArray(String[]::new))))));
			}
		};
	}

}
