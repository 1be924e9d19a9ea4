package dev.realtime.actuate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import dev.realtime.delivery.LocalFanOut;
import dev.realtime.engine.redis.RedisEngine;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RealtimeMeters} as Prometheus scrapes them on the Redis engine, whose
 * meters the sample (on the memory engine) cannot show.
 *
 * @author Realtime team
 */
class RealtimeMetersPrometheusTests {

	@Test
	void whenTheNodeRunsOnRedisThenTheScrapeHasEveryRedisMeterTheDashboardQueries() throws IOException {
		// meters read counters only: nothing here connects to Redis
		LettuceConnectionFactory connectionFactory = new LettuceConnectionFactory("127.0.0.1", 1);
		RedisEngine engine = new RedisEngine(connectionFactory, "test:", 10, Duration.ofMinutes(1), 100,
				Duration.ofSeconds(1));
		PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
		new RealtimeMeters(new LocalFanOut(engine, 16, Duration.ofSeconds(1))).bindTo(registry);
		Set<String> scraped = registry.scrape()
			.lines()
			.filter((line) -> !line.startsWith("#") && !line.isBlank())
			.map((line) -> line.split("[{ ]", 2)[0])
			.collect(Collectors.toSet());
		String dashboard = Files.readString(Path.of("../grafana/realtime-dashboard.json"));
		Set<String> queried = Pattern.compile("realtime_redis_[a-z_]+")
			.matcher(dashboard)
			.results()
			.map(MatchResult::group)
			.collect(Collectors.toCollection(TreeSet::new));
		assertThat(queried).hasSizeGreaterThanOrEqualTo(5);
		assertThat(scraped).containsAll(queried).contains("realtime_queue_depth");
	}

}
