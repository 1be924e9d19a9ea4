package dev.realtime.autoconfigure;

import java.time.Duration;

import dev.realtime.ChannelCatalog;
import dev.realtime.actuate.RealtimeEndpoint;
import dev.realtime.catalog.DefaultChannelCatalog;
import dev.realtime.delivery.LocalFanOut;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RealtimeEndpointAutoConfiguration}.
 */
class RealtimeEndpointAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, RealtimeAutoConfiguration.class,
				RealtimeEndpointAutoConfiguration.class))
		.withBean(ChannelCatalog.class, () -> DefaultChannelCatalog.of(TestPipeline.class));

	@Test
	void whenTheEndpointIsNotExposedThenThereIsNone() {
		this.contextRunner.run((context) -> assertThat(context).doesNotHaveBean(RealtimeEndpoint.class));
	}

	@Test
	void whenTheEndpointIsExposedThenItDescribesTheNodesFanOut() {
		this.contextRunner
			.withPropertyValues("management.endpoints.web.exposure.include=realtime",
					"realtime.actuator.busiest-channels=3")
			.run((context) -> {
				assertThat(context).hasSingleBean(RealtimeEndpoint.class);
				RealtimeEndpoint.RealtimeDescriptor descriptor = context.getBean(RealtimeEndpoint.class)
					.describe()
					.block(Duration.ofSeconds(5));
				assertThat(descriptor.engine()).isEqualTo("memory");
				assertThat(descriptor.channels()).isZero();
				assertThat(descriptor.activeRuns()).isNull();
			});
	}

	@Test
	void whenActuatorIsMissingThenThereIsNoEndpoint() {
		this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=realtime")
			.withClassLoader(new FilteredClassLoader(ConditionalOnAvailableEndpoint.class))
			.run((context) -> assertThat(context).doesNotHaveBean(RealtimeEndpoint.class));
	}

	@Test
	void whenTheUserDefinesARealtimeEndpointThenTheDefaultBacksOff() {
		this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=realtime")
			.withBean("customEndpoint", RealtimeEndpoint.class,
					() -> new RealtimeEndpoint(
							new LocalFanOut(RealtimeAutoConfigurationTests.CustomEngineConfiguration.ENGINE, 1,
									Duration.ofSeconds(1)),
							null, 1, false))
			.run((context) -> assertThat(context).getBeanNames(RealtimeEndpoint.class)
				.containsExactly("customEndpoint"));
	}

}
