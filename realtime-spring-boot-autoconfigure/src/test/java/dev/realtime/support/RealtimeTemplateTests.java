package dev.realtime.support;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.realtime.InvalidChannelException;
import dev.realtime.InvalidPayloadException;
import dev.realtime.InvalidPayloadException.FieldViolation;
import dev.realtime.MessageKind;
import dev.realtime.MessageTooLargeException;
import dev.realtime.PublishException;
import dev.realtime.PublishResult;
import dev.realtime.RealtimeMessage;
import dev.realtime.delivery.LocalFanOut;
import dev.realtime.engine.ChannelListener;
import dev.realtime.engine.EngineEvent;
import dev.realtime.engine.EngineMessage;
import dev.realtime.engine.History;
import dev.realtime.engine.MessageId;
import dev.realtime.engine.PublishRequest;
import dev.realtime.engine.RealtimeEngine;
import dev.realtime.engine.Replay;
import dev.realtime.engine.SubscriptionLostException;
import dev.realtime.engine.memory.InMemoryEngine;
import dev.realtime.engine.redis.EnabledIfRedis;
import dev.realtime.engine.redis.RedisEngine;
import dev.realtime.support.TestPipeline.Status;
import dev.realtime.support.TestPipeline.Tick;
import jakarta.validation.Validation;
import jakarta.validation.ValidatorFactory;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Tests for {@link RealtimeTemplate}.
 *
 * @author Realtime team
 */
class RealtimeTemplateTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	private static final ValidatorFactory validation = Validation.buildDefaultValidatorFactory();

	private final InMemoryEngine engine = new InMemoryEngine(100, Duration.ofMinutes(10), Clock.systemUTC());

	private final PayloadCodec codec = new PayloadCodec(JsonMapper.builder().build(),
			new BeanValidationPayloadValidator(validation.getValidator()), 64);

	private final LocalFanOut fanOut = new LocalFanOut(this.engine, 1024, TIMEOUT);

	private final RealtimeTemplate template = new RealtimeTemplate(this.fanOut, this.codec, TIMEOUT);

	private final TestPipelineChannel channel = TestPipelineChannel.of("1");

	private final List<EngineMessage> delivered = new CopyOnWriteArrayList<>();

	private final Disposable subscription = this.engine.listen(this.channel.name(), new ChannelListener() {

		@Override
		public void live() {
		}

		@Override
		public void message(EngineMessage message) {
			RealtimeTemplateTests.this.delivered.add(message);
		}

		@Override
		public void ended(@Nullable Throwable error) {
		}

	});

	@AfterEach
	void destroy() {
		this.subscription.dispose();
		this.engine.destroy();
	}

	@AfterAll
	static void closeValidation() {
		validation.close();
	}

	@Test
	void whenPublishedThenResultCarriesTheIdOfTheDeliveredMessage() {
		PublishResult result = this.template.publish(this.channel.status(), new Status("Drafting", 10));
		assertThat(result.channel()).isEqualTo("test:1");
		assertThat(result.topic()).isEqualTo("status");
		assertThat(MessageId.parse(result.id())).isNotNull();
		assertThat(this.delivered).singleElement().satisfies((message) -> {
			assertThat(message.id()).hasToString(result.id());
			assertThat(text(message.data())).isEqualTo("{\"message\":\"Drafting\",\"progress\":10}");
			assertThat(message.kind()).isEqualTo(MessageKind.DATA);
			assertThat(message.runId()).isNull();
		});
	}

	@Test
	void whenPublishedThenTopicHistoryOptionDecidesRetention() {
		this.template.publish(this.channel.status(), new Status("kept", 1));
		this.template.publish(this.channel.ticks(), new Tick(1));
		StepVerifier.create(this.fanOut.subscribe(this.channel.name(), Set.of("status", "ticks"), Replay.all()))
			.expectNext(new EngineEvent.Subscribed(null))
			.assertNext((event) -> assertThat(((EngineMessage) event).topic()).isEqualTo("status"))
			.expectNoEvent(Duration.ofMillis(20))
			.thenCancel()
			.verify(TIMEOUT);
	}

	@Test
	void whenDurableThenMessageIsRetainedEvenIfTheTopicOptsOutAndCarriesTheRunId() {
		EngineMessage message = this.template.publish(this.channel.ticks(), new Tick(7), "run-1", true).block(TIMEOUT);
		assertThat(message.runId()).isEqualTo("run-1");
		StepVerifier.create(this.fanOut.subscribe(this.channel.name(), Set.of("status", "ticks"), Replay.all()))
			.expectNext(new EngineEvent.Subscribed(null), message)
			.thenCancel()
			.verify(TIMEOUT);
	}

	@Test
	void whenPayloadInvalidThenInvalidPayloadExceptionAndNothingIsDelivered() {
		InvalidPayloadException ex = catchThrowableOfType(InvalidPayloadException.class,
				() -> this.template.publish(this.channel.status(), new Status("", 101)));
		assertThat(ex.getTopic()).isEqualTo("test:1/status");
		assertThat(ex.getViolations()).containsExactly(new FieldViolation("message", "must not be blank"),
				new FieldViolation("progress", "must be less than or equal to 100"));
		assertNothingDelivered();
	}

	@Test
	void whenPayloadTooLargeThenMessageTooLargeExceptionAndNothingIsDelivered() {
		MessageTooLargeException ex = catchThrowableOfType(MessageTooLargeException.class,
				() -> this.template.publish(this.channel.status(), new Status("x".repeat(38), 1)));
		assertThat(ex.getSize()).isEqualTo(65);
		assertThat(ex.getLimit()).isEqualTo(64);
		assertNothingDelivered();
	}

	@Test
	void whenPublishedReactivelyThenNothingHappensUntilSubscribedAndErrorsArriveInTheMono() {
		Mono<PublishResult> invalid = this.template.publishReactive(this.channel.status(), new Status("", 1));
		Mono<PublishResult> valid = this.template.publishReactive(this.channel.status(), new Status("ok", 1));
		assertThat(this.delivered).isEmpty();
		StepVerifier.create(invalid).expectError(InvalidPayloadException.class).verify(TIMEOUT);
		StepVerifier.create(valid)
			.assertNext((result) -> assertThat(this.delivered).singleElement()
				.satisfies((message) -> assertThat(message.id()).hasToString(result.id())))
			.verifyComplete();
	}

	@Test
	void whenEngineFailsThenPublishException() {
		RealtimeTemplate template = template(new StubEngine(Mono.error(new IllegalStateException("down"))));
		PublishException ex = catchThrowableOfType(PublishException.class,
				() -> template.publish(this.channel.status(), new Status("ok", 1)));
		assertThat(ex).hasMessage("Could not publish to 'test:1/status': down")
			.hasCauseInstanceOf(IllegalStateException.class);
	}

	@Test
	void whenEngineFailsWithARealtimeExceptionThenItIsKept() {
		SubscriptionLostException lost = new SubscriptionLostException("lost", null);
		RealtimeTemplate template = template(new StubEngine(Mono.error(lost)));
		assertThatExceptionOfType(SubscriptionLostException.class)
			.isThrownBy(() -> template.publish(this.channel.status(), new Status("ok", 1)))
			.isSameAs(lost);
	}

	@Test
	void whenEngineDoesNotAnswerThenPublishExceptionAfterTheTimeout() {
		RealtimeTemplate template = new RealtimeTemplate(new LocalFanOut(new StubEngine(Mono.never()), 1024, TIMEOUT),
				this.codec, Duration.ofMillis(100));
		PublishException ex = catchThrowableOfType(PublishException.class,
				() -> template.publish(this.channel.status(), new Status("ok", 1)));
		assertThat(ex).hasMessage("Could not publish to 'test:1/status': the engine did not answer in time")
			.hasCauseInstanceOf(TimeoutException.class);
		StepVerifier.create(template.publishReactive(this.channel.status(), new Status("ok", 1)))
			.expectError(PublishException.class)
			.verify(TIMEOUT);
	}

	@Test
	void whenPublishingOnANonBlockingThreadWithTheMemoryEngineThenItFailsFastAndPublishesNothing() {
		assertRefusedOnNonBlockingThread(this.template, new Status("ok", 1));
		assertThat(this.delivered).isEmpty();
		assertThat(this.engine.history(this.channel.name(), Replay.all()).block(TIMEOUT).messages()).isEmpty();
	}

	@Test
	@EnabledIfRedis
	void whenPublishingOnANonBlockingThreadWithTheRedisEngineThenItFailsFastAndPublishesNothing() {
		LettuceConnectionFactory factory = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration(EnabledIfRedis.HOST, EnabledIfRedis.PORT));
		factory.afterPropertiesSet();
		factory.start();
		String prefix = "realtime-test:" + UUID.randomUUID() + ":";
		RedisEngine engine = new RedisEngine(factory, prefix, 100, Duration.ofMinutes(1), 1024, TIMEOUT);
		try {
			RealtimeTemplate template = template(engine);
			assertRefusedOnNonBlockingThread(template, new Status("ok", 1));
			assertThat(engine.history(this.channel.name(), Replay.all()).block(TIMEOUT).messages()).isEmpty();
			// the same publish from a thread that may block goes through
			assertThat(template.publish(this.channel.status(), new Status("ok", 1)).id()).startsWith("1-");
		}
		finally {
			engine.destroy();
			new StringRedisTemplate(factory).delete(List.of(prefix + "{test:1}:meta", prefix + "{test:1}:history"));
			factory.destroy();
		}
	}

	@Test
	void whenPublishingOnANonBlockingThreadWouldWaitThenIllegalStateException() {
		RealtimeTemplate template = template(new StubEngine(Mono.never()));
		StepVerifier
			.create(Mono.fromCallable(() -> template.publish(this.channel.status(), new Status("ok", 1)))
				.subscribeOn(Schedulers.parallel()))
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(IllegalStateException.class)
				.hasMessageContaining("would block the non-blocking thread parallel-")
				.hasMessageContaining("publishReactive"))
			.verify(Duration.ofSeconds(1));
	}

	@Test
	void whenInvalidPayloadPublishedOnANonBlockingThreadThenTheThreadIsRefusedFirst() {
		// the same answer for every payload and engine, so that the mistake shows at once
		assertRefusedOnNonBlockingThread(this.template, new Status("", 1));
	}

	@Test
	void whenPublishingReactivelyOnANonBlockingThreadThenItWorks() {
		PublishResult result = Mono
			.defer(() -> this.template.publishReactive(this.channel.status(), new Status("ok", 1)))
			.subscribeOn(Schedulers.parallel())
			.block(TIMEOUT);
		assertThat(this.delivered).singleElement()
			.satisfies((message) -> assertThat(message.id()).hasToString(result.id()));
	}

	private void assertRefusedOnNonBlockingThread(RealtimeTemplate template, Status status) {
		StepVerifier
			.create(Mono.fromCallable(() -> template.publish(this.channel.status(), status))
				.subscribeOn(Schedulers.parallel()))
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(IllegalStateException.class)
				.hasMessageStartingWith("RealtimePublisher.publish(..) would block the non-blocking thread parallel-")
				.hasMessageContaining("nothing was published")
				.hasMessageContaining("use publishReactive(..)"))
			.verify(TIMEOUT);
	}

	@Test
	void whenSubscribedToATopicThenPayloadsAreDecodedAndOtherTopicsFiltered() {
		TestPipelineChannel other = TestPipelineChannel.of("2");
		StepVerifier.create(this.template.subscribe(this.channel.status())).then(() -> {
			this.template.publish(this.channel.ticks(), new Tick(1));
			this.template.publish(other.status(), new Status("other channel", 1));
			this.template.publish(this.channel.status(), new Status("mine", 2));
		}).assertNext((message) -> {
			assertThat(message.data()).isEqualTo(new Status("mine", 2));
			assertThat(message.channel()).isEqualTo("test:1");
			assertThat(message.topic()).isEqualTo("status");
			assertThat(message.kind()).isEqualTo(MessageKind.DATA);
			assertThat(MessageId.parse(message.id())).isNotNull();
			assertThat(message.createdAt()).isNotNull();
		}).thenCancel().verify(TIMEOUT);
	}

	@Test
	void whenSubscribedToTopicsOfAChannelThenRunMessagesAreAlwaysIncluded() {
		StepVerifier.create(this.template.subscribe(this.channel, List.of("ticks"))).then(() -> {
			this.template.publish(this.channel.status(), new Status("filtered", 1));
			this.template.publish(this.channel.ticks(), new Tick(3));
			this.template
				.publish(new PublishRequest(this.channel.name(), "$run", bytes("{\"status\":\"completed\"}"), "run-1",
						MessageKind.RUN, true))
				.block(TIMEOUT);
		}).assertNext((message) -> {
			assertThat(message.topic()).isEqualTo("ticks");
			assertThat(message.data()).isEqualTo(new Tick(3));
		}).assertNext((message) -> {
			assertThat(message.topic()).isEqualTo("$run");
			assertThat(message.kind()).isEqualTo(MessageKind.RUN);
			assertThat(message.runId()).isEqualTo("run-1");
			assertThat(message.data()).isInstanceOfSatisfying(JsonNode.class,
					(data) -> assertThat(data.get("status").asString()).isEqualTo("completed"));
		}).thenCancel().verify(TIMEOUT);
	}

	@Test
	void whenSubscribedToAllTopicsOfAChannelThenEachPayloadHasItsTopicType() {
		StepVerifier.create(this.template.subscribe(this.channel, List.of()).map(RealtimeMessage::data)).then(() -> {
			this.template.publish(this.channel.status(), new Status("a", 1));
			this.template.publish(this.channel.ticks(), new Tick(2));
		}).expectNext(new Status("a", 1), new Tick(2)).thenCancel().verify(TIMEOUT);
	}

	@Test
	void whenSubscriberBlocksThenThePublisherAndOtherSubscribersAreNotBlocked() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		CountDownLatch othersReceived = new CountDownLatch(100);
		Disposable blocked = this.template.subscribe(this.channel.status()).subscribe((message) -> await(release));
		Disposable other = this.template.subscribe(this.channel, List.of("status"))
			.subscribe((message) -> othersReceived.countDown());
		ExecutorService executor = Executors.newSingleThreadExecutor();
		try {
			executor.submit(() -> {
				for (int i = 0; i < 100; i++) {
					this.template.publish(this.channel.status(), new Status("tick", i % 100));
				}
			}).get(2, TimeUnit.SECONDS);
			assertThat(othersReceived.await(2, TimeUnit.SECONDS)).isTrue();
		}
		finally {
			release.countDown();
			blocked.dispose();
			other.dispose();
			executor.shutdownNow();
		}
	}

	@Test
	void whenSubscribedToAnUnknownTopicThenInvalidChannelException() {
		assertThatExceptionOfType(InvalidChannelException.class)
			.isThrownBy(() -> this.template.subscribe(this.channel, List.of("nope")))
			.withMessageContaining("has no topic 'nope'");
	}

	private void assertNothingDelivered() {
		assertThat(this.delivered).isEmpty();
		assertThat(this.engine.channelCount()).isOne();
		StepVerifier.create(this.fanOut.subscribe(this.channel.name(), Set.of("status", "ticks"), Replay.all()))
			.expectNext(new EngineEvent.Subscribed(null))
			.expectNoEvent(Duration.ofMillis(20))
			.thenCancel()
			.verify(TIMEOUT);
	}

	private static void await(CountDownLatch latch) {
		try {
			latch.await(5, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private RealtimeTemplate template(RealtimeEngine engine) {
		return new RealtimeTemplate(new LocalFanOut(engine, 1024, TIMEOUT), this.codec, TIMEOUT);
	}

	private static byte[] bytes(String json) {
		return json.getBytes(StandardCharsets.UTF_8);
	}

	private static String text(byte[] bytes) {
		return new String(bytes, StandardCharsets.UTF_8);
	}

	/**
	 * An engine whose every publish answers with the same {@link Mono}.
	 */
	private record StubEngine(Mono<EngineMessage> answer) implements RealtimeEngine {

		@Override
		public Mono<EngineMessage> publish(PublishRequest request) {
			return this.answer;
		}

		@Override
		public Disposable listen(String channel, ChannelListener listener) {
			return Disposables.disposed();
		}

		@Override
		public Mono<History> history(String channel, Replay replay) {
			return Mono.just(History.none());
		}

	}

}
