package dev.realtime.autoconfigure;

import java.time.Clock;

import dev.realtime.engine.RealtimeEngine;
import dev.realtime.run.DefaultRealtimeRuns;
import dev.realtime.run.InMemoryRunMemoStore;
import dev.realtime.run.RealtimeRuns;
import dev.realtime.run.RetryPolicy;
import dev.realtime.run.RunMemoStore;
import dev.realtime.support.PayloadCodec;
import dev.realtime.support.RealtimeTemplate;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of runs: the {@link RealtimeRuns} that executes them and the memo
 * store of their durable steps.
 *
 * @author Realtime team
 * @since 0.1.0
 */
@AutoConfiguration(after = RealtimeAutoConfiguration.class)
@ConditionalOnBean({ RealtimeEngine.class, RealtimeTemplate.class, PayloadCodec.class, JsonMapper.class })
@EnableConfigurationProperties(RealtimeProperties.class)
public final class RealtimeRunsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(RunMemoStore.class)
	InMemoryRunMemoStore realtimeRunMemoStore(RealtimeProperties properties) {
		return new InMemoryRunMemoStore(properties.getRuns().getMaxMemoizedRuns(), Clock.systemUTC());
	}

	@Bean
	@ConditionalOnMissingBean(RealtimeRuns.class)
	DefaultRealtimeRuns realtimeRuns(RealtimeEngine engine, RealtimeTemplate template, PayloadCodec codec,
			JsonMapper jsonMapper, RunMemoStore memoStore, RealtimeProperties properties) {
		RealtimeProperties.Runs runs = properties.getRuns();
		DefaultRealtimeRuns realtimeRuns = new DefaultRealtimeRuns(engine, template, codec, jsonMapper, memoStore,
				runs.getThreads(), runs.getQueueCapacity());
		RealtimeProperties.Runs.Retry retry = runs.getRetry();
		realtimeRuns.setDefaultRetryPolicy(RetryPolicy.of(retry.getMaxAttempts(), retry.getInitialBackoff(),
				retry.getMultiplier(), retry.getMaxBackoff()));
		realtimeRuns.setMemoTtl(runs.getMemoTtl());
		return realtimeRuns;
	}

}
