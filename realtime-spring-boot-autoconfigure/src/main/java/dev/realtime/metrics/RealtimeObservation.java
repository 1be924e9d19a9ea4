package dev.realtime.metrics;

import java.util.function.UnaryOperator;

import io.micrometer.common.docs.KeyName;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import io.micrometer.observation.docs.ObservationDocumentation;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * The Micrometer observations of the starter: a publish, a token minted, a subscription
 * opened. With Micrometer Tracing they are spans, children of the request that caused
 * them; with a meter registry, timers. The channel is a high-cardinality key: a span
 * attribute, never a meter tag.
 *
 * @author Realtime team
 * @since 0.1.0
 */
public enum RealtimeObservation implements ObservationDocumentation {

	/**
	 * A publish, from its start until the engine accepted it.
	 */
	PUBLISH("realtime.publish", "realtime publish") {

		@Override
		public KeyName[] getLowCardinalityKeyNames() {
			return new KeyName[] { Keys.SOURCE, Keys.TOPIC };
		}

	},

	/**
	 * A token request, from the authorization rule to the signed token.
	 */
	TOKEN_MINT("realtime.token.mint", "realtime token mint"),

	/**
	 * A subscription opening, from joining its channel until its replay was read and the
	 * client was told it is subscribed.
	 */
	SUBSCRIPTION_OPEN("realtime.subscription.open", "realtime subscription open") {

		@Override
		public KeyName[] getLowCardinalityKeyNames() {
			return new KeyName[] { Keys.RECOVERED };
		}

	};

	private final String name;

	private final String contextualName;

	RealtimeObservation(String name, String contextualName) {
		this.name = name;
		this.contextualName = contextualName;
	}

	@Override
	public String getName() {
		return this.name;
	}

	@Override
	public String getContextualName() {
		return this.contextualName;
	}

	@Override
	public KeyName[] getHighCardinalityKeyNames() {
		return new KeyName[] { Keys.CHANNEL };
	}

	/**
	 * Create an observation of this kind on a channel, as a child of the given parent,
	 * not started yet.
	 * @param registry the registry
	 * @param channel the channel
	 * @param parent the parent observation, {@code null} for the current one
	 * @return the observation
	 */
	public Observation create(ObservationRegistry registry, String channel, @Nullable Observation parent) {
		return Observation.createNotStarted(getName(), Observation.Context::new, registry)
			.contextualName(getContextualName())
			.highCardinalityKeyValue(Keys.CHANNEL.asString(), channel)
			.parentObservation((parent != null) ? parent : registry.getCurrentObservation());
	}

	/**
	 * Observe a {@link Mono}: an observation of this kind starts when it is subscribed,
	 * as a child of the observation in its Reactor context, and stops when it ends, with
	 * its error if it fails. Nothing is added when the registry is a no-op.
	 * @param <T> the type of the value
	 * @param registry the registry
	 * @param channel the channel
	 * @param mono what to observe
	 * @param keys adds keys to the observation before it starts
	 * @return the observed {@code Mono}
	 */
	public <T> Mono<T> observe(ObservationRegistry registry, String channel, Mono<T> mono,
			UnaryOperator<Observation> keys) {
		if (registry.isNoop()) {
			return mono;
		}
		return Mono.deferContextual((context) -> {
			Observation observation = keys
				.apply(create(registry, channel, context.getOrDefault(ObservationThreadLocalAccessor.KEY, null)))
				.start();
			return mono.doOnSuccess((value) -> observation.stop())
				.doOnError((ex) -> observation.error(ex).stop())
				.doOnCancel(observation::stop)
				.contextWrite((inner) -> inner.put(ObservationThreadLocalAccessor.KEY, observation));
		});
	}

	/**
	 * The keys of the observations.
	 */
	public enum Keys implements KeyName {

		/** The channel's name. */
		CHANNEL {
			@Override
			public String asString() {
				return "realtime.channel";
			}
		},

		/** Who published: {@code server}, {@code client} or {@code run}. */
		SOURCE {
			@Override
			public String asString() {
				return "realtime.source";
			}
		},

		/** The topic published to. */
		TOPIC {
			@Override
			public String asString() {
				return "realtime.topic";
			}
		},

		/** What a replay recovered: {@code true}, {@code false} or {@code none}. */
		RECOVERED {
			@Override
			public String asString() {
				return "realtime.recovered";
			}
		}

	}

}
