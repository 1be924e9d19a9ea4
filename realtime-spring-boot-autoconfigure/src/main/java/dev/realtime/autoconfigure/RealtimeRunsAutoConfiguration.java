package dev.realtime.autoconfigure;

import java.time.Clock;

import dev.realtime.ChannelCatalog;
import dev.realtime.delivery.LocalFanOut;
import dev.realtime.engine.RealtimeEngine;
import dev.realtime.engine.RunLeases;
import dev.realtime.engine.memory.InMemoryRunLeases;
import dev.realtime.engine.redis.RedisRunLeases;
import dev.realtime.run.DefaultRealtimeRuns;
import dev.realtime.run.InMemoryRunMemoStore;
import dev.realtime.run.RealtimeRuns;
import dev.realtime.run.RetryPolicy;
import dev.realtime.run.RunDefinition;
import dev.realtime.run.RunMemoStore;
import dev.realtime.support.PayloadCodec;
import dev.realtime.support.RealtimeTemplate;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;

/**
 * Auto-configuration of runs: the {@link RealtimeRuns} that executes them with the
 * {@link RunDefinition} beans of the application, the memo store of their durable steps
 * and the leases that let another node take a run over.
 *
 * @author Realtime team
 * @since 0.1.0
 */
@AutoConfiguration(after = { RealtimeAutoConfiguration.class, RealtimeRedisAutoConfiguration.class })
@ConditionalOnBean({ RealtimeEngine.class, LocalFanOut.class, RealtimeTemplate.class, PayloadCodec.class,
		JsonMapper.class })
@EnableConfigurationProperties(RealtimeProperties.class)
public final class RealtimeRunsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(RunMemoStore.class)
	InMemoryRunMemoStore realtimeRunMemoStore(RealtimeProperties properties) {
		return new InMemoryRunMemoStore(properties.getRuns().getMaxMemoizedRuns(), Clock.systemUTC());
	}

	@Bean
	@ConditionalOnMissingBean(RunLeases.class)
	InMemoryRunLeases realtimeRunLeases(RealtimeEngine engine) {
		return new InMemoryRunLeases(engine, Clock.systemUTC());
	}

	@Bean
	@ConditionalOnMissingBean(RealtimeRuns.class)
	DefaultRealtimeRuns realtimeRuns(LocalFanOut fanOut, RealtimeTemplate template, PayloadCodec codec,
			JsonMapper jsonMapper, RunMemoStore memoStore, RunLeases leases,
			ObjectProvider<RunDefinition<?, ?>> definitions, ObjectProvider<ChannelCatalog> channelCatalog,
			RealtimeProperties properties) {
		RealtimeProperties.Runs runs = properties.getRuns();
		DefaultRealtimeRuns realtimeRuns = new DefaultRealtimeRuns(fanOut, template, codec, jsonMapper, memoStore,
				leases, runs.getThreads(), runs.getQueueCapacity());
		RealtimeProperties.Runs.Retry retry = runs.getRetry();
		realtimeRuns.setDefaultRetryPolicy(RetryPolicy.of(retry.getMaxAttempts(), retry.getInitialBackoff(),
				retry.getMultiplier(), retry.getMaxBackoff()));
		realtimeRuns.setMemoTtl(runs.getMemoTtl());
		realtimeRuns.setLeaseTtl(runs.getLeaseTtl());
		realtimeRuns.setScanInterval(runs.getScanInterval());
		realtimeRuns.setStreamCoalescing(properties.getStreams().getCoalesce());
		realtimeRuns.setDefinitions(definitions.orderedStream().toList());
		channelCatalog.ifAvailable(realtimeRuns::setChannelCatalog);
		return realtimeRuns;
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(ReactiveRedisConnectionFactory.class)
	@ConditionalOnProperty(name = "realtime.engine.type", havingValue = "redis")
	static class RedisLeasesConfiguration {

		@Bean
		@ConditionalOnMissingBean(RunLeases.class)
		@ConditionalOnBean(RealtimeRedisConnection.class)
		RedisRunLeases realtimeRunLeases(RealtimeRedisConnection connection, RealtimeProperties properties) {
			return new RedisRunLeases(connection.getConnectionFactory(),
					properties.getEngine().getRedis().getKeyPrefix(), properties.getHistory().getSize(),
					properties.getHistory().getTtl(), properties.getStreams().getMaxSize().toBytes(),
					properties.getStreams().getTtl());
		}

	}

}
