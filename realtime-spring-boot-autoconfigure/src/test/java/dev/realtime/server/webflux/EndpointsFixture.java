package dev.realtime.server.webflux;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;

import dev.realtime.Channel;
import dev.realtime.MessageKind;
import dev.realtime.TopicDefinition;
import dev.realtime.catalog.DefaultChannelCatalog;
import dev.realtime.delivery.LocalFanOut;
import dev.realtime.engine.EngineMessage;
import dev.realtime.engine.PublishRequest;
import dev.realtime.engine.memory.InMemoryEngine;
import dev.realtime.server.RealtimeHub;
import dev.realtime.server.ShutdownSignal;
import dev.realtime.server.webflux.TestRoom.Note;
import dev.realtime.support.BeanValidationPayloadValidator;
import dev.realtime.support.PayloadCodec;
import dev.realtime.support.RealtimeTemplate;
import dev.realtime.testsupport.MutableClock;
import dev.realtime.token.ChannelAuthorization;
import dev.realtime.token.JwsRealtimeTokens;
import dev.realtime.token.TokenKeys;
import dev.realtime.token.TokenRequest;
import jakarta.validation.Validation;
import jakarta.validation.ValidatorFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * Real collaborators of the streaming handlers: an {@link InMemoryEngine} whose messages
 * all carry the same creation time, tokens signed with a test secret, and a clock that
 * only moves when a test advances it, so that keep-alives and token expiry happen exactly
 * when a test says so. The periodic checks of open streams still run in real time.
 *
 * @author Realtime team
 */
final class EndpointsFixture implements AutoCloseable {

	static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");

	private static final String SECRET = "base64:AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=";

	private static final ValidatorFactory validation = Validation.buildDefaultValidatorFactory();

	final JsonMapper mapper = JsonMapper.builder().build();

	final MutableClock clock = new MutableClock(NOW);

	final DefaultChannelCatalog catalog = DefaultChannelCatalog.of(TestRoom.class);

	final InMemoryEngine engine = new InMemoryEngine(100, Duration.ofMinutes(10), Clock.fixed(NOW, ZoneOffset.UTC));

	final PayloadCodec codec = new PayloadCodec(this.mapper,
			new BeanValidationPayloadValidator(validation.getValidator()), 64 * 1024);

	final LocalFanOut fanOut = new LocalFanOut(this.engine, 1024, Duration.ofSeconds(5));

	final RealtimeTemplate template = new RealtimeTemplate(this.fanOut, this.codec, Duration.ofSeconds(5));

	final JwsRealtimeTokens tokens = new JwsRealtimeTokens(this.catalog, TokenKeys.secret(SECRET),
			Duration.ofMinutes(5), Duration.ZERO, this.clock);

	final ShutdownSignal shutdown = new ShutdownSignal();

	/**
	 * Return a builder of a hub on these collaborators.
	 * @return the builder
	 */
	RealtimeHub.Builder endpoints() {
		return endpoints(this.fanOut);
	}

	/**
	 * Return a builder of a hub on these collaborators, with a fan-out of its own.
	 * @param subscriberBuffer how many messages may wait for a subscriber
	 * @param writeTimeout how long a subscriber may take nothing while messages wait
	 * @return the builder
	 */
	RealtimeHub.Builder endpoints(int subscriberBuffer, Duration writeTimeout) {
		return endpoints(new LocalFanOut(this.engine, subscriberBuffer, writeTimeout));
	}

	private RealtimeHub.Builder endpoints(LocalFanOut fanOut) {
		return RealtimeHub.builder(fanOut, this.tokens, this.catalog, this.template)
			.authorization(new ChannelAuthorization(List.of(), null))
			.codec(this.codec)
			.jsonMapper(this.mapper)
			.shutdownSignal(this.shutdown)
			.clock(this.clock);
	}

	String token(String channel, String... topics) {
		return this.tokens.mint(TokenRequest.read(channel, topics)).token();
	}

	String token(String channel, Set<String> topics, Set<String> publish, Duration ttl) {
		return this.tokens.mint(new TokenRequest(channel, topics, publish, ttl)).token();
	}

	EngineMessage publish(String channel, String topic, String text) {
		Channel resolved = this.catalog.resolve(channel);
		return this.template.publish(resolved.topic(topic, Note.class), new Note(text), null, false).toFuture().join();
	}

	EngineMessage publishRun(String channel, String runId, String status) {
		byte[] data = ("{\"status\":\"" + status + "\"}").getBytes(StandardCharsets.UTF_8);
		return this.template
			.publish(new PublishRequest(channel, TopicDefinition.RUN_TOPIC, data, runId, MessageKind.RUN, true))
			.toFuture()
			.join();
	}

	@Override
	public void close() {
		this.shutdown.stop();
		this.engine.destroy();
	}

}
