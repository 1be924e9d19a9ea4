package dev.realtime.autoconfigure;

import dev.realtime.actuate.RealtimeEndpoint;
import dev.realtime.delivery.LocalFanOut;
import dev.realtime.run.DefaultRealtimeRuns;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the {@code realtime} Actuator endpoint, when Actuator is present
 * and the endpoint is available: exposed like any Actuator endpoint
 * ({@code management.endpoints.web.exposure.include=realtime}), which it is not by
 * default.
 *
 * @author Realtime team
 * @since 0.1.0
 */
@AutoConfiguration(after = { RealtimeAutoConfiguration.class, RealtimeRedisAutoConfiguration.class,
		RealtimeRunsAutoConfiguration.class })
@ConditionalOnClass(ConditionalOnAvailableEndpoint.class)
@ConditionalOnBean(LocalFanOut.class)
@ConditionalOnAvailableEndpoint(RealtimeEndpoint.class)
public final class RealtimeEndpointAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	RealtimeEndpoint realtimeEndpoint(LocalFanOut fanOut, ObjectProvider<DefaultRealtimeRuns> runs,
			RealtimeProperties properties) {
		return new RealtimeEndpoint(fanOut, runs.getIfAvailable(), properties.getActuator().getBusiestChannels(),
				properties.getActuator().isShowChannels());
	}

}
