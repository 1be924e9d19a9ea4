package dev.realtime.metrics;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.realtime.MessageKind;
import dev.realtime.PublishException;
import dev.realtime.delivery.LocalFanOut;
import dev.realtime.engine.ChannelListener;
import dev.realtime.engine.EngineEvent;
import dev.realtime.engine.EngineMessage;
import dev.realtime.engine.History;
import dev.realtime.engine.PublishRequest;
import dev.realtime.engine.RealtimeEngine;
import dev.realtime.engine.Replay;
import dev.realtime.engine.memory.InMemoryEngine;
import dev.realtime.metrics.RealtimeStatistics.PublishSource;
import dev.realtime.support.PayloadCodec;
import dev.realtime.support.PayloadValidator;
import dev.realtime.support.RealtimeTemplate;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for the observations of publishes and subscriptions opening, with a real engine,
 * fan-out and template and a registry that records what it observes.
 */
class RealtimeObservationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	private final List<Observation.Context> stopped = new CopyOnWriteArrayList<>();

	private final ObservationRegistry registry = ObservationRegistry.create();

	private final InMemoryEngine engine = new InMemoryEngine(100, Duration.ofMinutes(1), Clock.systemUTC());

	private final LocalFanOut fanOut = new LocalFanOut(this.engine, 1024, TIMEOUT);

	private final RealtimeTemplate template = new RealtimeTemplate(this.fanOut,
			new PayloadCodec(JsonMapper.builder().build(), PayloadValidator.NONE, 1024), TIMEOUT);

	RealtimeObservationTests() {
		this.registry.observationConfig().observationHandler(new ObservationHandler<>() {

			@Override
			public void onStop(Observation.Context context) {
				RealtimeObservationTests.this.stopped.add(context);
			}

			@Override
			public boolean supportsContext(Observation.Context context) {
				return true;
			}

		});
		this.template.setObservationRegistry(this.registry);
		this.fanOut.setObservationRegistry(this.registry);
	}

	@AfterEach
	void destroy() {
		this.engine.destroy();
	}

	@Test
	void whenPublishingInsideAnObservationThenThePublishIsItsChildWithSourceTopicAndChannel() {
		Observation request = Observation.start("http.server.requests", this.registry);
		StepVerifier
			.create(this.template.publish(request("test:1"), PublishSource.CLIENT)
				.contextWrite((context) -> context.put(ObservationThreadLocalAccessor.KEY, request)))
			.expectNextCount(1)
			.verifyComplete();
		request.stop();
		Observation.Context publish = stopped("realtime.publish");
		assertThat(publish.getContextualName()).isEqualTo("realtime publish");
		assertThat(publish.getLowCardinalityKeyValue("realtime.source").getValue()).isEqualTo("client");
		assertThat(publish.getLowCardinalityKeyValue("realtime.topic").getValue()).isEqualTo("status");
		assertThat(publish.getHighCardinalityKeyValue("realtime.channel").getValue()).isEqualTo("test:1");
		assertThat(publish.getParentObservation()).isSameAs(request);
		assertThat(publish.getError()).isNull();
	}

	@Test
	void whenTheEngineFailsThenThePublishObservationCarriesTheError() {
		RealtimeEngine down = new RealtimeEngine() {

			@Override
			public Mono<EngineMessage> publish(PublishRequest request) {
				return Mono.error(new IllegalStateException("down"));
			}

			@Override
			public Disposable listen(String channel, ChannelListener listener) {
				return Disposables.disposed();
			}

			@Override
			public Mono<History> history(String channel, Replay replay) {
				return Mono.just(History.none());
			}

		};
		RealtimeTemplate failing = new RealtimeTemplate(new LocalFanOut(down, 1, TIMEOUT),
				new PayloadCodec(JsonMapper.builder().build(), PayloadValidator.NONE, 1024), TIMEOUT);
		failing.setObservationRegistry(this.registry);
		StepVerifier.create(failing.publish(request("test:1"))).expectError(PublishException.class).verify(TIMEOUT);
		Observation.Context publish = stopped("realtime.publish");
		assertThat(publish.getLowCardinalityKeyValue("realtime.source").getValue()).isEqualTo("server");
		assertThat(publish.getError()).isInstanceOf(IllegalStateException.class).hasMessage("down");
	}

	@Test
	void whenASubscriptionOpensThenItIsObservedUntilItsReplayWasRead() {
		EngineMessage first = this.template.publish(request("test:2")).block(TIMEOUT);
		this.template.publish(request("test:2")).block(TIMEOUT);
		List<EngineEvent> events = new CopyOnWriteArrayList<>();
		this.fanOut.subscribe("test:2", Set.of("status"), Replay.after(first.id().toString()))
			.take(2)
			.subscribe(events::add);
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(events).hasSize(2));
		Observation.Context open = stopped("realtime.subscription.open");
		assertThat(open.getLowCardinalityKeyValue("realtime.recovered").getValue()).isEqualTo("true");
		assertThat(open.getHighCardinalityKeyValue("realtime.channel").getValue()).isEqualTo("test:2");
	}

	@Test
	void whenTheRegistryIsANoopThenNothingIsObserved() {
		this.template.setObservationRegistry(ObservationRegistry.NOOP);
		this.template.publish(request("test:3")).block(TIMEOUT);
		assertThat(this.stopped).isEmpty();
	}

	private Observation.Context stopped(String name) {
		await().atMost(TIMEOUT)
			.untilAsserted(() -> assertThat(this.stopped).extracting(Observation.Context::getName).contains(name));
		return this.stopped.stream().filter((context) -> name.equals(context.getName())).findFirst().orElseThrow();
	}

	private static PublishRequest request(String channel) {
		return new PublishRequest(channel, "status", "{}".getBytes(StandardCharsets.UTF_8), null, MessageKind.DATA,
				true);
	}

}
