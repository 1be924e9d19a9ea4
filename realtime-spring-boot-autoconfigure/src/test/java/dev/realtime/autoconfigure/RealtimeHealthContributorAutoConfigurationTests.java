package dev.realtime.autoconfigure;

import dev.realtime.ChannelCatalog;
import dev.realtime.actuate.RealtimeHealthIndicator;
import dev.realtime.catalog.DefaultChannelCatalog;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RealtimeHealthContributorAutoConfiguration}.
 */
class RealtimeHealthContributorAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, RealtimeAutoConfiguration.class,
				RealtimeHealthContributorAutoConfiguration.class))
		.withBean(ChannelCatalog.class, () -> DefaultChannelCatalog.of(TestPipeline.class));

	@Test
	void whenHealthSupportIsPresentThenTheEngineHasAHealthIndicatorNamedRealtime() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(RealtimeHealthIndicator.class);
			assertThat(context).hasBean("realtimeHealthIndicator");
		});
	}

	@Test
	void whenHealthSupportIsMissingThenThereIsNoIndicator() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(ReactiveHealthIndicator.class))
			.run((context) -> assertThat(context).doesNotHaveBean(RealtimeHealthIndicator.class));
	}

	@Test
	void whenTheIndicatorIsDisabledThenThereIsNone() {
		this.contextRunner.withPropertyValues("management.health.realtime.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(RealtimeHealthIndicator.class));
	}

	@Test
	void whenTheUserDefinesARealtimeHealthIndicatorThenTheDefaultBacksOff() {
		ReactiveHealthIndicator custom = () -> reactor.core.publisher.Mono.just(Health.up().build());
		this.contextRunner.withBean("realtimeHealthIndicator", ReactiveHealthIndicator.class, () -> custom)
			.run((context) -> {
				assertThat(context).doesNotHaveBean(RealtimeHealthIndicator.class);
				assertThat(context.getBean("realtimeHealthIndicator")).isSameAs(custom);
			});
	}

}
