package dev.realtime.engine.redis;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import dev.realtime.MessageKind;
import dev.realtime.PublishException;
import dev.realtime.delivery.LocalFanOut;
import dev.realtime.engine.EngineEvent;
import dev.realtime.engine.EngineMessage;
import dev.realtime.engine.MessageId;
import dev.realtime.engine.PublishRequest;
import dev.realtime.engine.Replay;
import dev.realtime.engine.SubscriptionLostException;
import dev.realtime.engine.redis.RedisEngineStatistics.CatchUp;
import dev.realtime.support.PayloadCodec;
import dev.realtime.support.PayloadValidator;
import dev.realtime.support.RealtimeTemplate;
import io.lettuce.core.KillArgs;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.Disposable;
import reactor.test.StepVerifier;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Fault tests of {@link RedisEngine} against a {@code redis-server} of the test's own,
 * killed, paused and restarted by pid while a node publishes and another one subscribes.
 * Each test logs how many acknowledged messages its subscribers lost or received twice.
 *
 * @author Realtime team
 */
class RedisEngineFaultTests {

	private static final Log logger = LogFactory.getLog(RedisEngineFaultTests.class);

	private static final Duration PUBLISH_TIMEOUT = Duration.ofSeconds(2);

	private static final String CHANNEL = "fault:1";

	private static final Set<String> TOPICS = Set.of("status");

	@TempDir
	Path directory;

	private RedisServerProcess server;

	private final List<ClientResources> resources = new ArrayList<>();

	private final List<LettuceConnectionFactory> factories = new ArrayList<>();

	private final List<RedisEngine> engines = new ArrayList<>();

	private final List<Disposable> subscriptions = new ArrayList<>();

	private RealtimeTemplate publisher;

	private RedisEngine subscriberNode;

	private LocalFanOut subscriberFanOut;

	@BeforeEach
	void start() throws Exception {
		this.server = RedisServerProcess.start(this.directory);
		RedisEngine publisherNode = engine();
		this.subscriberNode = engine();
		this.subscriberFanOut = new LocalFanOut(this.subscriberNode, 1024, Duration.ofSeconds(5));
		this.publisher = new RealtimeTemplate(new LocalFanOut(publisherNode, 1024, Duration.ofSeconds(5)),
				new PayloadCodec(JsonMapper.builder().build(), PayloadValidator.NONE, 65536), PUBLISH_TIMEOUT);
	}

	@AfterEach
	void stop() throws Exception {
		this.subscriptions.forEach(Disposable::dispose);
		this.engines.forEach(RedisEngine::destroy);
		this.factories.forEach(LettuceConnectionFactory::destroy);
		this.resources.forEach((resource) -> resource.shutdown(0, 1, TimeUnit.SECONDS));
		if (this.server != null) {
			this.server.close();
		}
	}

	@Test
	void whenThePubSubConnectionIsKilledWhileOthersPublishThenSubscribersGetTheMissedMessagesFromHistory()
			throws Exception {
		Received live = subscribe(Replay.none());
		Received replayed = subscribe(Replay.all());
		List<MessageId> acknowledged = new CopyOnWriteArrayList<>();
		Thread publishing = new Thread(() -> {
			for (int i = 0; i < 600; i++) {
				acknowledged.add(publish(i).id());
				sleep(2);
			}
		});
		publishing.start();
		await(() -> acknowledged.size() > 200);
		RedisClient client = (RedisClient) this.factories.get(0).getRequiredNativeClient();
		try (StatefulRedisConnection<String, String> connection = client.connect()) {
			assertThat(connection.sync().clientKill(KillArgs.Builder.typePubsub())).isOne();
		}
		publishing.join(20_000);
		assertThat(acknowledged).hasSize(600);
		for (Received received : List.of(live, replayed)) {
			await(() -> received.ids().containsAll(acknowledged));
			report("pub/sub connection killed", acknowledged, received);
			assertThat(received.error()).isNull();
			assertThat(received.ids()).doesNotHaveDuplicates();
			assertStrictlyIncreasing(received.ids());
			assertThat(received.ids()).containsAll(acknowledged);
		}
		RedisEngineStatistics statistics = this.subscriberNode.statistics();
		assertThat(statistics.resubscriptions()).isPositive();
		assertThat(statistics.catchUps(CatchUp.RECOVERED)).isPositive();
		assertThat(statistics.catchUps(CatchUp.LOST)).isZero();
		assertThat(statistics.pubSubLost()).isZero();
	}

	@Test
	void whenRedisRestartsWithItsDataThenSubscribersStayAndRecoverWhatWasPublishedBeforeTheOutage() throws Exception {
		Received received = subscribe(Replay.none());
		List<MessageId> acknowledged = new ArrayList<>();
		for (int i = 0; i < 100; i++) {
			acknowledged.add(publish(i).id());
		}
		save();
		this.server.kill();
		assertPublishFailsPromptly();
		StepVerifier.create(this.subscriberFanOut.subscribe(CHANNEL, TOPICS, Replay.all()))
			.expectError(SubscriptionLostException.class)
			.verify(Duration.ofSeconds(5));
		assertThat(received.error()).as("subscribers stay connected during the outage").isNull();
		this.server.restart();
		for (int i = 100; i < 150; i++) {
			acknowledged.add(publishWhenBack(i).id());
		}
		await(() -> received.ids().containsAll(acknowledged));
		report("Redis restarted with its data", acknowledged, received);
		assertThat(received.error()).isNull();
		assertThat(received.ids()).doesNotHaveDuplicates().containsAll(acknowledged);
		assertStrictlyIncreasing(received.ids());
		assertThat(acknowledged).extracting(MessageId::epoch).containsOnly(acknowledged.get(0).epoch());
	}

	@Test
	void whenRedisRestartsWithoutItsDataThenSubscribersAreLostAndTheirResumeIsNotRecovered() throws Exception {
		Received received = subscribe(Replay.none());
		List<MessageId> acknowledged = new ArrayList<>();
		for (int i = 0; i < 50; i++) {
			acknowledged.add(publish(i).id());
		}
		await(() -> received.ids().containsAll(acknowledged));
		this.server.kill();
		assertPublishFailsPromptly();
		this.server.restart();
		await(() -> received.error() != null);
		assertThat(received.error()).isInstanceOf(SubscriptionLostException.class);
		assertThat(this.subscriberNode.statistics().catchUps(CatchUp.LOST)).isOne();
		report("Redis restarted without its data", acknowledged, received);
		MessageId last = received.ids().get(received.ids().size() - 1);
		EngineMessage next = publishWhenBack(50);
		assertThat(next.id().epoch()).isNotEqualTo(last.epoch());
		StepVerifier.create(this.subscriberFanOut.subscribe(CHANNEL, TOPICS, Replay.after(last.toString())))
			.expectNext(new EngineEvent.Subscribed(false))
			.expectNextMatches((event) -> ((EngineMessage) event).id().equals(next.id()))
			.thenCancel()
			.verify(Duration.ofSeconds(5));
	}

	@Test
	void whenRedisHangsThenPublishesTimeOutAndNothingAcknowledgedIsLostWhenItResumes() throws Exception {
		Received received = subscribe(Replay.none());
		List<MessageId> acknowledged = new ArrayList<>();
		for (int i = 0; i < 20; i++) {
			acknowledged.add(publish(i).id());
		}
		this.server.signal("STOP");
		try {
			long start = System.nanoTime();
			assertThatExceptionOfType(PublishException.class).isThrownBy(() -> publish(20))
				.withMessageContaining("did not answer in time");
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(PUBLISH_TIMEOUT.plusSeconds(1));
		}
		finally {
			this.server.signal("CONT");
		}
		for (int i = 21; i < 40; i++) {
			acknowledged.add(publishWhenBack(i).id());
		}
		await(() -> received.ids().containsAll(acknowledged));
		report("Redis paused (SIGSTOP) and resumed", acknowledged, received);
		assertThat(received.error()).isNull();
		assertThat(received.ids()).doesNotHaveDuplicates();
		assertStrictlyIncreasing(received.ids());
	}

	private void assertPublishFailsPromptly() {
		long start = System.nanoTime();
		assertThatExceptionOfType(PublishException.class).isThrownBy(() -> publish(-1))
			.withMessageStartingWith("Could not publish to '" + CHANNEL + "/status'");
		Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
		logger.info("A publish while Redis is down failed after " + elapsed.toMillis() + " ms");
		assertThat(elapsed).isLessThan(PUBLISH_TIMEOUT);
	}

	private void save() {
		RedisClient client = (RedisClient) this.factories.get(0).getRequiredNativeClient();
		try (StatefulRedisConnection<String, String> connection = client.connect()) {
			connection.sync().save();
		}
	}

	private RedisEngine engine() {
		ClientResources clientResources = ClientResources.builder()
			.reconnectDelay(Delay.constant(Duration.ofMillis(100)))
			.build();
		this.resources.add(clientResources);
		LettuceConnectionFactory factory = TestRedis.connectionFactory(this.server.port(), clientResources);
		this.factories.add(factory);
		RedisEngine engine = new RedisEngine(factory, "realtime:", 1000, Duration.ofMinutes(10), 1024,
				Duration.ofSeconds(5));
		this.engines.add(engine);
		return engine;
	}

	private Received subscribe(Replay replay) throws InterruptedException {
		Received received = new Received();
		CountDownLatch subscribed = new CountDownLatch(1);
		this.subscriptions.add(this.subscriberFanOut.subscribe(CHANNEL, TOPICS, replay).subscribe((event) -> {
			if (event instanceof EngineMessage message) {
				received.ids().add(message.id());
			}
			subscribed.countDown();
		}, received.error::set));
		assertThat(subscribed.await(5, TimeUnit.SECONDS)).as("subscribed, error: %s", received.error()).isTrue();
		return received;
	}

	private EngineMessage publish(int value) {
		return this.publisher
			.publish(
					new PublishRequest(CHANNEL, "status", bytes(Integer.toString(value)), null, MessageKind.DATA, true))
			.block();
	}

	private EngineMessage publishWhenBack(int value) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (true) {
			try {
				return publish(value);
			}
			catch (PublishException ex) {
				if (System.nanoTime() > deadline) {
					throw ex;
				}
				Thread.sleep(50);
			}
		}
	}

	private static void report(String scenario, List<MessageId> acknowledged, Received received) {
		Set<MessageId> distinct = new HashSet<>(received.ids());
		long lost = acknowledged.stream().filter((id) -> !distinct.contains(id)).count();
		int duplicated = received.ids().size() - distinct.size();
		logger.info(scenario + ": " + acknowledged.size() + " acknowledged, " + received.ids().size() + " received, "
				+ lost + " lost, " + duplicated + " duplicated");
	}

	private static void await(BooleanSupplier condition) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
			Thread.sleep(10);
		}
		assertThat(condition.getAsBoolean()).as("condition met within 10 seconds").isTrue();
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static byte[] bytes(String value) {
		return value.getBytes(StandardCharsets.UTF_8);
	}

	private static void assertStrictlyIncreasing(List<MessageId> ids) {
		for (int i = 1; i < ids.size(); i++) {
			assertThat(ids.get(i).offset()).isGreaterThan(ids.get(i - 1).offset());
		}
	}

	private static final class Received {

		private final List<MessageId> ids = new CopyOnWriteArrayList<>();

		private final AtomicReference<Throwable> error = new AtomicReference<>();

		List<MessageId> ids() {
			return this.ids;
		}

		Throwable error() {
			return this.error.get();
		}

	}

}
