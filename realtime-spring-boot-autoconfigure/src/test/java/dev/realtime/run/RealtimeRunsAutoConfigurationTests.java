package dev.realtime.run;

import java.time.Clock;
import java.time.Duration;

import dev.realtime.autoconfigure.RealtimeRunsAutoConfiguration;
import dev.realtime.delivery.LocalFanOut;
import dev.realtime.engine.RealtimeEngine;
import dev.realtime.engine.memory.InMemoryEngine;
import dev.realtime.support.PayloadCodec;
import dev.realtime.support.PayloadValidator;
import dev.realtime.support.RealtimeTemplate;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RealtimeRunsAutoConfiguration}.
 *
 * @author Realtime team
 */
class RealtimeRunsAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(RealtimeRunsAutoConfiguration.class))
		.withUserConfiguration(CoreConfiguration.class);

	@Test
	void whenCoreBeansExistThenRunsAndMemoStoreAreConfigured() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(DefaultRealtimeRuns.class).hasSingleBean(InMemoryRunMemoStore.class);
			RealtimeRuns runs = context.getBean(RealtimeRuns.class);
			RunHandle<String> handle = runs.start(TestJobChannel.of("configured"), (run) -> "done");
			assertThat(handle.await(Duration.ofSeconds(5))).isEqualTo("done");
		});
	}

	@Test
	void whenPropertiesAreSetThenRunsUseThem() {
		this.contextRunner
			.withPropertyValues("realtime.runs.threads=1", "realtime.runs.queue-capacity=0",
					"realtime.runs.retry.max-attempts=2", "realtime.runs.retry.initial-backoff=0s",
					"realtime.runs.max-memoized-runs=1")
			.run((context) -> {
				RealtimeRuns runs = context.getBean(RealtimeRuns.class);
				RunHandle<Integer> handle = runs.start(TestJobChannel.of("retried"), (run) -> {
					if (run.attempt() == 1) {
						throw new IllegalStateException("retry");
					}
					return run.attempt();
				});
				assertThat(handle.await(Duration.ofSeconds(5))).isEqualTo(2);
			});
	}

	@Test
	void whenUserDefinesBeansThenAutoConfigurationBacksOff() {
		this.contextRunner.withUserConfiguration(UserRunsConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(RealtimeRuns.class).hasSingleBean(RunMemoStore.class);
			assertThat(context.getBean(RunMemoStore.class)).isSameAs(context.getBean("customMemoStore"));
			assertThat(context.getBean(RealtimeRuns.class)).isSameAs(context.getBean("customRuns"));
		});
	}

	@Test
	void whenNoEngineThenNothingIsConfigured() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(RealtimeRunsAutoConfiguration.class))
			.run((context) -> assertThat(context).doesNotHaveBean(RealtimeRuns.class));
	}

	@Configuration(proxyBeanMethods = false)
	static class CoreConfiguration {

		@Bean
		JsonMapper jsonMapper() {
			return JsonMapper.builder().build();
		}

		@Bean
		InMemoryEngine engine() {
			return new InMemoryEngine(100, Duration.ofMinutes(1), Clock.systemUTC());
		}

		@Bean
		PayloadCodec codec(JsonMapper jsonMapper) {
			return new PayloadCodec(jsonMapper, PayloadValidator.NONE, 64 * 1024);
		}

		@Bean
		LocalFanOut fanOut(RealtimeEngine engine) {
			return new LocalFanOut(engine, 1024, Duration.ofSeconds(5));
		}

		@Bean
		RealtimeTemplate template(LocalFanOut fanOut, PayloadCodec codec) {
			return new RealtimeTemplate(fanOut, codec, Duration.ofSeconds(5));
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserRunsConfiguration {

		@Bean
		InMemoryRunMemoStore customMemoStore() {
			return new InMemoryRunMemoStore(1, Clock.systemUTC());
		}

		@Bean
		DefaultRealtimeRuns customRuns(LocalFanOut fanOut, RealtimeTemplate template, PayloadCodec codec,
				JsonMapper jsonMapper, RunMemoStore memoStore) {
			return new DefaultRealtimeRuns(fanOut, template, codec, jsonMapper, memoStore, 1, 1);
		}

	}

}
