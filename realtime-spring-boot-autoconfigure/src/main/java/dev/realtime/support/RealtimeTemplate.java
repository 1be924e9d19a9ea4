package dev.realtime.support;

import java.time.Duration;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;

import dev.realtime.Channel;
import dev.realtime.InvalidPayloadException;
import dev.realtime.MessageTooLargeException;
import dev.realtime.PublishException;
import dev.realtime.PublishResult;
import dev.realtime.RealtimeException;
import dev.realtime.RealtimeMessage;
import dev.realtime.RealtimePublisher;
import dev.realtime.RealtimeSubscriber;
import dev.realtime.Topic;
import dev.realtime.TopicDefinition;
import dev.realtime.delivery.LocalFanOut;
import dev.realtime.engine.EngineMessage;
import dev.realtime.engine.PublishRequest;
import dev.realtime.engine.RealtimeEngine;
import dev.realtime.engine.Replay;
import dev.realtime.metrics.RealtimeObservation;
import dev.realtime.metrics.RealtimeStatistics;
import dev.realtime.metrics.RealtimeStatistics.PublishOutcome;
import dev.realtime.metrics.RealtimeStatistics.PublishSource;
import dev.realtime.metrics.Traceparents;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.util.context.ContextView;

import org.springframework.util.Assert;

/**
 * The default {@link RealtimePublisher} and {@link RealtimeSubscriber}: validates and
 * encodes payloads once, then hands them to the engine; subscribes through the node's
 * {@link LocalFanOut}, like the browsers' streams.
 * <p>
 * Subscribers receive their messages on a worker of {@link Schedulers#boundedElastic()}
 * of their own: a consumer that decodes, blocks or relays elsewhere does not hold up the
 * publisher or the channel's other subscribers.
 *
 * @author Realtime team
 * @since 0.1.0
 */
public class RealtimeTemplate implements RealtimePublisher, RealtimeSubscriber {

	private final RealtimeEngine engine;

	private final LocalFanOut fanOut;

	private final RealtimeStatistics statistics;

	private ObservationRegistry observationRegistry = ObservationRegistry.NOOP;

	private boolean traceparents;

	private final PayloadCodec codec;

	private final Duration publishTimeout;

	/**
	 * Create a new instance.
	 * @param fanOut the fan-out of this node, with the engine to publish to
	 * @param codec encodes and validates payloads
	 * @param publishTimeout how long a publish may wait for the engine
	 */
	public RealtimeTemplate(LocalFanOut fanOut, PayloadCodec codec, Duration publishTimeout) {
		Assert.notNull(fanOut, "'fanOut' must not be null");
		Assert.notNull(codec, "'codec' must not be null");
		Assert.isTrue(!publishTimeout.isNegative() && !publishTimeout.isZero(), "'publishTimeout' must be positive");
		this.engine = fanOut.engine();
		this.fanOut = fanOut;
		this.statistics = fanOut.statistics();
		this.codec = codec;
		this.publishTimeout = publishTimeout;
	}

	@Override
	public <T> PublishResult publish(Topic<T> topic, T payload) {
		return await(publishReactive(topic, payload));
	}

	@Override
	public <T> Mono<PublishResult> publishReactive(Topic<T> topic, T payload) {
		return publish(topic, payload, null, false).map(RealtimeTemplate::result);
	}

	/**
	 * Validate, encode and publish a payload.
	 * @param topic the topic
	 * @param payload the payload
	 * @param runId the run publishing it, if any
	 * @param durable whether the message must enter the history even when its topic opts
	 * out
	 * @return the published message
	 */
	public Mono<EngineMessage> publish(Topic<?> topic, Object payload, @Nullable String runId, boolean durable) {
		Assert.notNull(topic, "'topic' must not be null");
		Assert.notNull(payload, "'payload' must not be null");
		return Mono.defer(() -> {
			PublishSource source = (runId != null) ? PublishSource.RUN : PublishSource.SERVER;
			byte[] data = encoded(source, () -> this.codec.encode(topic.toString(), payload));
			return publish(PublishRequest.of(topic.channel().name(), topic.definition(), data, runId, durable), source);
		});
	}

	/**
	 * Encode a payload, counting a publish that its payload failed.
	 * @param source who publishes
	 * @param encoding encodes and validates the payload
	 * @return the encoded payload
	 * @throws InvalidPayloadException if the payload is not valid
	 * @throws MessageTooLargeException if the payload is too large
	 */
	public byte[] encoded(PublishSource source, Supplier<byte[]> encoding) {
		try {
			return encoding.get();
		}
		catch (InvalidPayloadException ex) {
			this.statistics.published(source, PublishOutcome.INVALID, 0);
			throw ex;
		}
		catch (MessageTooLargeException ex) {
			this.statistics.published(source, PublishOutcome.TOO_LARGE, 0);
			throw ex;
		}
	}

	/**
	 * Publish an encoded message, failing with {@link PublishException} when the engine
	 * does not accept it within the publish timeout.
	 * @param request the message
	 * @return the published message
	 */
	public Mono<EngineMessage> publish(PublishRequest request) {
		return publish(request, (request.runId() != null) ? PublishSource.RUN : PublishSource.SERVER);
	}

	/**
	 * Publish an encoded message for a source, failing with {@link PublishException} when
	 * the engine does not accept it within the publish timeout.
	 * @param request the message
	 * @param source who publishes, for the statistics
	 * @return the published message
	 */
	public Mono<EngineMessage> publish(PublishRequest request, PublishSource source) {
		return counted(request, this::send, source).onErrorMap((ex) -> !(ex instanceof RealtimeException),
				(ex) -> new PublishException(
						"Could not publish to '" + request.channel() + "/" + request.topic() + "': " + describe(ex),
						ex));
	}

	private Mono<EngineMessage> send(PublishRequest request) {
		Mono<EngineMessage> publish = this.engine.publish(request);
		// a publish that completes as it is subscribed (the in-memory engine's) cannot
		// time out, and a timer per publish would cost more than the publish itself
		return (publish instanceof Callable) ? publish : publish.timeout(this.publishTimeout);
	}

	/**
	 * Count and observe a publish: its outcome, and how long the engine took to accept
	 * it. With {@link #setTraceparents traceparents} on, the request the publish gets
	 * carries the trace context of its observation.
	 * @param request what is published
	 * @param publish publishes the request it is given
	 * @param source who publishes
	 * @return the publish, counted when it ends
	 */
	public Mono<EngineMessage> counted(PublishRequest request, Function<PublishRequest, Mono<EngineMessage>> publish,
			PublishSource source) {
		Mono<EngineMessage> counted = Mono.deferContextual((context) -> {
			long start = System.nanoTime();
			return publish.apply(traced(request, context))
				.doOnSuccess(
						(message) -> this.statistics.published(source, PublishOutcome.OK, System.nanoTime() - start));
		}).doOnError((ex) -> this.statistics.published(source, outcome(ex), 0));
		return RealtimeObservation.PUBLISH.observe(this.observationRegistry, request.channel(), counted,
				(observation) -> observation
					.lowCardinalityKeyValue(RealtimeObservation.Keys.SOURCE.asString(), source.tag())
					.lowCardinalityKeyValue(RealtimeObservation.Keys.TOPIC.asString(), request.topic()));
	}

	// what the engine's refusal of a publish counts as: a stream whose text would be too
	// long is the publisher's doing, not the engine's
	private static PublishOutcome outcome(Throwable ex) {
		if (ex instanceof MessageTooLargeException) {
			return PublishOutcome.TOO_LARGE;
		}
		return (ex instanceof TimeoutException) ? PublishOutcome.TIMEOUT : PublishOutcome.UNAVAILABLE;
	}

	private PublishRequest traced(PublishRequest request, ContextView context) {
		if (!this.traceparents || request.traceparent() != null) {
			return request;
		}
		Observation observation = context.getOrDefault(ObservationThreadLocalAccessor.KEY, null);
		String traceparent = (observation != null) ? Traceparents.of(observation) : null;
		return (traceparent != null) ? request.withTraceparent(traceparent) : request;
	}

	/**
	 * Set whether a traced publish carries its trace context to subscribers, as the
	 * {@code traceparent} of the message's envelope: the id of the publish's span, so
	 * that a delivery can be correlated with the request that published it. Needs
	 * Micrometer Tracing on the class path and an {@link #setObservationRegistry
	 * observation registry} that makes spans; off by default.
	 * @param traceparents whether to propagate trace context
	 */
	public void setTraceparents(boolean traceparents) {
		this.traceparents = traceparents;
	}

	/**
	 * Set the registry of the observations of publishes, which with Micrometer Tracing
	 * are spans, children of the request that published.
	 * @param observationRegistry the registry, {@link ObservationRegistry#NOOP} by
	 * default
	 */
	public void setObservationRegistry(ObservationRegistry observationRegistry) {
		Assert.notNull(observationRegistry, "'observationRegistry' must not be null");
		this.observationRegistry = observationRegistry;
	}

	/**
	 * Wait for a publish from imperative code. Refused on non-blocking threads (event
	 * loops, Reactor's parallel scheduler) whatever the engine, before the publish
	 * starts, so that the mistake shows in development rather than with another engine in
	 * production.
	 * @param publish the publish, not started yet
	 * @return its result
	 * @throws IllegalStateException on a non-blocking thread
	 */
	public static PublishResult await(Mono<PublishResult> publish) {
		if (Schedulers.isInNonBlockingThread()) {
			throw new IllegalStateException("RealtimePublisher.publish(..) would block the non-blocking thread "
					+ Thread.currentThread().getName()
					+ " and nothing was published; use publishReactive(..) in reactive code and on event loops");
		}
		CompletableFuture<@Nullable PublishResult> future = publish.toFuture();
		try {
			PublishResult result = future.get();
			Assert.state(result != null, "The engine completed a publish without a result");
			return result;
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof RuntimeException runtime) {
				throw runtime;
			}
			throw new PublishException("Publish failed", ex.getCause());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new PublishException("Interrupted while publishing", ex);
		}
	}

	@Override
	@SuppressWarnings("unchecked")
	public <T> Flux<RealtimeMessage<T>> subscribe(Topic<T> topic) {
		Assert.notNull(topic, "'topic' must not be null");
		return this.fanOut.subscribe(topic.channel().name(), Set.of(topic.name()), Replay.none())
			.ofType(EngineMessage.class)
			.filter((message) -> message.topic().equals(topic.name()))
			.map((message) -> (RealtimeMessage<T>) decode(topic.channel(), message));
	}

	@Override
	public Flux<RealtimeMessage<Object>> subscribe(Channel channel, Collection<String> topics) {
		Assert.notNull(channel, "'channel' must not be null");
		Assert.notNull(topics, "'topics' must not be null");
		Set<String> names = Set.copyOf(topics);
		names.forEach((name) -> channel.definition().topic(name));
		return this.fanOut
			.subscribe(channel.name(), names.isEmpty() ? channel.definition().topics().keySet() : names, Replay.none())
			.ofType(EngineMessage.class)
			.map((message) -> decode(channel, message));
	}

	/**
	 * Decode a message of a channel: its payload to the topic's type, or to a JSON tree
	 * for run lifecycle messages.
	 * @param channel the channel the message belongs to
	 * @param message the message
	 * @return the decoded message
	 */
	public RealtimeMessage<Object> decode(Channel channel, EngineMessage message) {
		TopicDefinition topic = channel.definition().topics().get(message.topic());
		Object data = (topic != null) ? this.codec.decode(topic, message.data())
				: this.codec.decodeTree(message.data());
		return new RealtimeMessage<>(message.id().toString(), message.channel(), message.topic(), data,
				message.createdAt(), message.runId(), message.kind());
	}

	private static PublishResult result(EngineMessage message) {
		return new PublishResult(message.id().toString(), message.channel(), message.topic());
	}

	private static String describe(Throwable ex) {
		return (ex instanceof TimeoutException) ? "the engine did not answer in time" : String.valueOf(ex.getMessage());
	}

}
