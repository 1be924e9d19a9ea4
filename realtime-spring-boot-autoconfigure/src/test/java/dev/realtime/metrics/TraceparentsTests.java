package dev.realtime.metrics;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.realtime.MessageKind;
import dev.realtime.delivery.LocalFanOut;
import dev.realtime.engine.EngineMessage;
import dev.realtime.engine.PublishRequest;
import dev.realtime.engine.Replay;
import dev.realtime.engine.memory.InMemoryEngine;
import dev.realtime.metrics.RealtimeStatistics.PublishSource;
import dev.realtime.support.PayloadCodec;
import dev.realtime.support.PayloadValidator;
import dev.realtime.support.RealtimeTemplate;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import io.micrometer.tracing.TraceContext;
import io.micrometer.tracing.handler.DefaultTracingObservationHandler;
import io.micrometer.tracing.test.simple.SimpleSpan;
import io.micrometer.tracing.test.simple.SimpleTracer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link Traceparents} and the trace context a traced publish carries to its
 * subscribers, with Micrometer Tracing's test tracer, a real engine, fan-out and
 * template.
 */
class TraceparentsTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	private final SimpleTracer tracer = new SimpleTracer();

	private final ObservationRegistry registry = ObservationRegistry.create();

	private final InMemoryEngine engine = new InMemoryEngine(100, Duration.ofMinutes(1), Clock.systemUTC());

	private final LocalFanOut fanOut = new LocalFanOut(this.engine, 1024, TIMEOUT);

	private final RealtimeTemplate template = new RealtimeTemplate(this.fanOut,
			new PayloadCodec(JsonMapper.builder().build(), PayloadValidator.NONE, 1024), TIMEOUT);

	TraceparentsTests() {
		this.registry.observationConfig().observationHandler(new DefaultTracingObservationHandler(this.tracer));
		this.template.setObservationRegistry(this.registry);
	}

	@AfterEach
	void destroy() {
		this.engine.destroy();
	}

	@Test
	void whenTraceparentsAreOnThenSubscribersGetTheTraceContextOfThePublishSpan() {
		this.template.setTraceparents(true);
		List<EngineMessage> delivered = new CopyOnWriteArrayList<>();
		Disposable subscription = this.fanOut.subscribe("test:1", Set.of("status"), Replay.none())
			.ofType(EngineMessage.class)
			.subscribe(delivered::add);
		try {
			Observation request = Observation.start("http.server.requests", this.registry);
			EngineMessage published = this.template.publish(request("test:1"), PublishSource.CLIENT)
				.contextWrite((context) -> context.put(ObservationThreadLocalAccessor.KEY, request))
				.block(TIMEOUT);
			request.stop();
			SimpleSpan publishSpan = this.tracer.getSpans()
				.stream()
				.filter((span) -> "realtime publish".equals(span.getName()))
				.findFirst()
				.orElseThrow();
			TraceContext context = publishSpan.context();
			String expected = "00-" + "0".repeat(32 - context.traceId().length()) + context.traceId() + "-"
					+ context.spanId() + "-" + (Boolean.TRUE.equals(context.sampled()) ? "01" : "00");
			assertThat(published.traceparent()).isEqualTo(expected);
			await().atMost(TIMEOUT).untilAsserted(() -> assertThat(delivered).hasSize(1));
			assertThat(new String(delivered.get(0).envelope(), StandardCharsets.UTF_8))
				.contains("\"traceparent\":\"" + expected + "\"");
		}
		finally {
			subscription.dispose();
		}
	}

	@Test
	void whenTraceparentsAreOffThenATracedPublishCarriesNoTraceContext() {
		EngineMessage published = this.template.publish(request("test:2")).block(TIMEOUT);
		assertThat(this.tracer.getSpans()).isNotEmpty();
		assertThat(published.traceparent()).isNull();
	}

	@Test
	void whenTheObservationIsNoSpanThenThereIsNoTraceparent() {
		Observation observation = Observation.start("untraced", ObservationRegistry.create());
		assertThat(Traceparents.of(observation)).isNull();
		observation.stop();
	}

	@Test
	void whenARequestGetsAMalformedTraceparentThenItIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> request("test:3").withTraceparent("00-abc-def-01"))
			.withMessageContaining("W3C traceparent");
		assertThatIllegalArgumentException().isThrownBy(
				() -> request("test:3").withTraceparent("00-0AF7651916CD43DD8448EB211C80319C-B7AD6B7169203331-01\n"));
	}

	private static PublishRequest request(String channel) {
		return new PublishRequest(channel, "status", "{}".getBytes(StandardCharsets.UTF_8), null, MessageKind.DATA,
				true);
	}

}
