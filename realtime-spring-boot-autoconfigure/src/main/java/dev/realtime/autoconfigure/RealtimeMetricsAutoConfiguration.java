package dev.realtime.autoconfigure;

import dev.realtime.actuate.RealtimeMeters;
import dev.realtime.delivery.LocalFanOut;
import dev.realtime.run.DefaultRealtimeRuns;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the realtime meters when Micrometer is present: Spring Boot binds
 * the {@link RealtimeMeters} to every meter registry. Turn them off with
 * {@code management.metrics.enable.realtime=false}.
 *
 * @author Realtime team
 * @since 0.1.0
 */
@AutoConfiguration(after = { RealtimeAutoConfiguration.class, RealtimeRedisAutoConfiguration.class,
		RealtimeRunsAutoConfiguration.class })
@ConditionalOnClass(MeterBinder.class)
@ConditionalOnBean(LocalFanOut.class)
public final class RealtimeMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	RealtimeMeters realtimeMeters(LocalFanOut fanOut, ObjectProvider<DefaultRealtimeRuns> runs) {
		return new RealtimeMeters(fanOut, runs.getIfAvailable());
	}

}
