package dev.realtime.autoconfigure;

import java.time.Duration;

import dev.realtime.ChannelCatalog;
import dev.realtime.actuate.RealtimeMeters;
import dev.realtime.catalog.DefaultChannelCatalog;
import dev.realtime.delivery.LocalFanOut;
import dev.realtime.engine.RealtimeEngine;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RealtimeMetricsAutoConfiguration}.
 */
class RealtimeMetricsAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, RealtimeAutoConfiguration.class,
				RealtimeMetricsAutoConfiguration.class))
		.withBean(ChannelCatalog.class, () -> DefaultChannelCatalog.of(TestPipeline.class));

	@Test
	void whenMicrometerIsPresentThenTheMetersReadTheFanOutsStatistics() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(RealtimeMeters.class);
			SimpleMeterRegistry registry = new SimpleMeterRegistry();
			context.getBean(RealtimeMeters.class).bindTo(registry);
			context.getBean(LocalFanOut.class).statistics().delivered();
			assertThat(registry.get("realtime.deliveries").functionCounter().count()).isOne();
			assertThat(registry.getMeters())
				.allSatisfy((meter) -> assertThat(meter.getId().getName()).startsWith("realtime."));
		});
	}

	@Test
	void whenMicrometerIsMissingThenThereAreNoMeters() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(MeterBinder.class))
			.run((context) -> assertThat(context).doesNotHaveBean(RealtimeMeters.class));
	}

	@Test
	void whenTheUserDefinesRealtimeMetersThenTheDefaultBacksOff() {
		this.contextRunner
			.withBean("customMeters", RealtimeMeters.class,
					() -> new RealtimeMeters(new LocalFanOut(engine(), 1, Duration.ofSeconds(1))))
			.run((context) -> assertThat(context).getBeanNames(RealtimeMeters.class).containsExactly("customMeters"));
	}

	private static RealtimeEngine engine() {
		return RealtimeAutoConfigurationTests.CustomEngineConfiguration.ENGINE;
	}

}
