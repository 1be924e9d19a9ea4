package dev.realtime.autoconfigure;

import dev.realtime.server.RealtimeHub;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * Lets the realtime endpoints that authenticate with a subscription token (SSE, stream
 * tickets, WebSocket, client publishing, run cancelling and the client modules) through
 * the application's {@link SecurityFilterChain}s, and nothing else: a
 * {@code Customizer<HttpSecurity>}, which Spring Security applies to every chain built
 * from its {@link HttpSecurity}, permits those paths ahead of the application's own rules
 * and exempts their {@code POST}s from CSRF protection. The rest of the application's
 * security, or Spring Boot's default, stays as it is. The token endpoint stays behind the
 * application's rules, which authenticate the caller.
 * <p>
 * {@code realtime.security.enabled=false} turns it off, for applications that permit the
 * paths in their own rules.
 *
 * @author Realtime team
 * @since 0.1.0
 */
@AutoConfiguration(after = { ServletWebSecurityAutoConfiguration.class, RealtimeWebMvcAutoConfiguration.class })
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({ HttpSecurity.class, SecurityFilterChain.class })
@ConditionalOnBean(RealtimeHub.class)
@ConditionalOnProperty(name = "realtime.security.enabled", matchIfMissing = true)
public final class RealtimeWebMvcSecurityAutoConfiguration {

	@Bean
	Customizer<HttpSecurity> realtimeHttpSecurityCustomizer(RealtimeProperties properties, RealtimeHub hub) {
		RealtimeSecurityPaths paths = RealtimeSecurityPaths.of(properties, hub);
		return (http) -> {
			if (paths.isEmpty()) {
				return;
			}
			http.authorizeHttpRequests(
					(requests) -> requests.requestMatchers(paths.all().toArray(String[]::new)).permitAll());
			if (!paths.posts().isEmpty()) {
				RequestMatcher[] posts = paths.posts()
					.stream()
					.map((path) -> PathPatternRequestMatcher.withDefaults().matcher(HttpMethod.POST, path))
					.toArray(RequestMatcher[]::new);
				http.csrf((csrf) -> csrf.ignoringRequestMatchers(posts));
			}
		};
	}

}
