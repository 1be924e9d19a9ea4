package dev.realtime.autoconfigure;

import dev.realtime.actuate.RealtimeHealthIndicator;
import dev.realtime.delivery.LocalFanOut;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the realtime engine's health indicator, named {@code realtime},
 * when Spring Boot's health support is present;
 * {@code management.health.realtime.enabled} turns it off.
 *
 * @author Realtime team
 * @since 0.1.0
 */
@AutoConfiguration(after = { RealtimeAutoConfiguration.class, RealtimeRedisAutoConfiguration.class })
@ConditionalOnClass({ ReactiveHealthIndicator.class, ConditionalOnEnabledHealthIndicator.class })
@ConditionalOnBean(LocalFanOut.class)
@ConditionalOnEnabledHealthIndicator("realtime")
public final class RealtimeHealthContributorAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = { "realtimeHealthIndicator", "realtimeHealthContributor" })
	RealtimeHealthIndicator realtimeHealthIndicator(LocalFanOut fanOut) {
		return new RealtimeHealthIndicator(fanOut);
	}

}
