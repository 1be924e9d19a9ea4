package dev.realtime.sample;

import reactor.core.publisher.Mono;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.core.userdetails.MapReactiveUserDetailsService;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.csrf.CookieServerCsrfTokenRepository;
import org.springframework.security.web.server.csrf.CsrfToken;
import org.springframework.security.web.server.csrf.CsrfWebFilter;
import org.springframework.security.web.server.csrf.ServerCsrfTokenRequestAttributeHandler;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;
import org.springframework.web.server.WebFilter;

/**
 * Two demo users, form login for the page, HTTP Basic for API calls with curl. The
 * realtime starter adds its own chain for its token-authenticated endpoints; this chain
 * covers the rest, including the token endpoint.
 *
 * @author Realtime team
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

	@Bean
	SecurityWebFilterChain applicationSecurity(ServerHttpSecurity http) {
		// Requests with an Authorization header (curl with HTTP Basic) carry no cookie to
		// forge.
		ServerWebExchangeMatcher browserWrites = (
				exchange) -> exchange.getRequest().getHeaders().containsHeader(HttpHeaders.AUTHORIZATION)
						? ServerWebExchangeMatcher.MatchResult.notMatch()
						: CsrfWebFilter.DEFAULT_CSRF_MATCHER.matches(exchange);
		return http
			.authorizeExchange(
					(exchanges) -> exchanges.pathMatchers("/actuator/health").permitAll().anyExchange().authenticated())
			.formLogin(Customizer.withDefaults())
			.httpBasic(Customizer.withDefaults())
			.csrf((csrf) -> csrf.csrfTokenRepository(CookieServerCsrfTokenRepository.withHttpOnlyFalse())
				.csrfTokenRequestHandler(new ServerCsrfTokenRequestAttributeHandler())
				.requireCsrfProtectionMatcher(browserWrites))
			.build();
	}

	/**
	 * Writes the CSRF cookie on every response, so that the page's script can send it
	 * back in the {@code X-XSRF-TOKEN} header.
	 * @return the filter
	 */
	@Bean
	WebFilter csrfCookieWebFilter() {
		return (exchange, chain) -> {
			Mono<CsrfToken> token = exchange.getAttributeOrDefault(CsrfToken.class.getName(), Mono.empty());
			return token.then(chain.filter(exchange));
		};
	}

	@Bean
	MapReactiveUserDetailsService users() {
		UserDetails alice = User.withUsername("alice").password("{noop}alice").roles("USER").build();
		UserDetails bob = User.withUsername("bob").password("{noop}bob").roles("USER").build();
		return new MapReactiveUserDetailsService(alice, bob);
	}

}
