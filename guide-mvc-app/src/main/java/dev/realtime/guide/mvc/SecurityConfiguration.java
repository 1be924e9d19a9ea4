package dev.realtime.guide.mvc;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.csrf.CookieCsrfTokenRepository;
import org.springframework.security.web.csrf.CsrfTokenRequestAttributeHandler;

@Configuration(proxyBeanMethods = false)
public class SecurityConfiguration {

	// Spring Security's defaults, except that the CSRF token lives in a cookie the page's
	// script can read (XSRF-TOKEN) and is expected back as is (X-XSRF-TOKEN header)
	@Bean
	SecurityFilterChain securityFilterChain(HttpSecurity http) {
		CsrfTokenRequestAttributeHandler csrfTokenHandler = new CsrfTokenRequestAttributeHandler();
		// the token, and so its cookie, is loaded only when something asks for it:
		// without a request attribute name, the handler asks on every request
		csrfTokenHandler.setCsrfRequestAttributeName(null);
		return http.authorizeHttpRequests((requests) -> requests.anyRequest().authenticated())
			.formLogin(Customizer.withDefaults())
			.csrf((csrf) -> csrf.csrfTokenRepository(CookieCsrfTokenRepository.withHttpOnlyFalse())
				.csrfTokenRequestHandler(csrfTokenHandler))
			.build();
	}

}
