package dev.realtime.autoconfigure;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import dev.realtime.ChannelCatalog;
import dev.realtime.InvalidChannelDefinitionException;
import dev.realtime.MessageKind;
import dev.realtime.RealtimeChannel;
import dev.realtime.RealtimePublisher;
import dev.realtime.RealtimeSubscriber;
import dev.realtime.Topic;
import dev.realtime.catalog.DefaultChannelCatalog;
import dev.realtime.delivery.LocalFanOut;
import dev.realtime.engine.EngineMessage;
import dev.realtime.engine.PublishRequest;
import dev.realtime.engine.RealtimeEngine;
import dev.realtime.engine.memory.InMemoryEngine;
import dev.realtime.support.BeanValidationPayloadValidator;
import dev.realtime.support.PayloadCodec;
import dev.realtime.support.RealtimeTemplate;
import dev.realtime.token.ChannelAuthorization;
import dev.realtime.token.JwsRealtimeTokens;
import dev.realtime.token.RealtimeTokens;
import dev.realtime.token.TokenRequest;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.handler.DefaultTracingObservationHandler;
import io.micrometer.tracing.test.simple.SimpleTracer;
import jakarta.validation.Validator;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Mono;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RealtimeAutoConfiguration}.
 */
class RealtimeAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, ValidationAutoConfiguration.class,
				RealtimeAutoConfiguration.class))
		.withUserConfiguration(CatalogConfiguration.class);

	@Test
	void whenDefaultThenCoreBeansAreConfigured() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(InMemoryEngine.class);
			assertThat(context).hasSingleBean(LocalFanOut.class);
			assertThat(context).hasSingleBean(RealtimeTemplate.class);
			assertThat(context).hasSingleBean(RealtimePublisher.class);
			assertThat(context).hasSingleBean(RealtimeSubscriber.class);
			assertThat(context).hasSingleBean(JwsRealtimeTokens.class);
			assertThat(context).hasSingleBean(ChannelAuthorization.class);
			assertThat(context).hasSingleBean(PayloadCodec.class);
			assertThat(context).hasSingleBean(BeanValidationPayloadValidator.class);
		});
	}

	@Test
	void whenTraceparentIsEnabledThenATracedPublishCarriesItsTraceContext() {
		SimpleTracer tracer = new SimpleTracer();
		ObservationRegistry registry = ObservationRegistry.create();
		registry.observationConfig().observationHandler(new DefaultTracingObservationHandler(tracer));
		this.contextRunner.withBean(ObservationRegistry.class, () -> registry).run((context) -> {
			EngineMessage untraced = context.getBean(RealtimeTemplate.class)
				.publish(new PublishRequest("pipeline:1", "status", "{}".getBytes(StandardCharsets.UTF_8), null,
						MessageKind.DATA, true))
				.block(Duration.ofSeconds(5));
			assertThat(untraced.traceparent()).isNull();
		});
		this.contextRunner.withBean(ObservationRegistry.class, () -> registry)
			.withPropertyValues("realtime.tracing.traceparent=true")
			.run((context) -> {
				EngineMessage traced = context.getBean(RealtimeTemplate.class)
					.publish(new PublishRequest("pipeline:1", "status", "{}".getBytes(StandardCharsets.UTF_8), null,
							MessageKind.DATA, true))
					.block(Duration.ofSeconds(5));
				assertThat(traced.traceparent())
					.matches("00-[0-9a-f]{32}-" + tracer.lastSpan().context().spanId() + "-0[01]");
			});
	}

	@Test
	void whenUserDefinesEngineThenMemoryEngineBacksOff() {
		this.contextRunner.withUserConfiguration(CustomEngineConfiguration.class).run((context) -> {
			assertThat(context).doesNotHaveBean(InMemoryEngine.class);
			assertThat(context.getBean(RealtimeEngine.class)).isSameAs(CustomEngineConfiguration.ENGINE);
		});
	}

	@Test
	void whenLimitsAreSetThenTheFanOutUsesThem() {
		this.contextRunner
			.withPropertyValues("realtime.limits.subscriber-buffer=16", "realtime.limits.write-timeout=2s")
			.run((context) -> {
				LocalFanOut fanOut = context.getBean(LocalFanOut.class);
				assertThat(fanOut.capacity()).isEqualTo(16);
				assertThat(fanOut.writeTimeout()).isEqualTo(Duration.ofSeconds(2));
				assertThat(fanOut.engine()).isSameAs(context.getBean(RealtimeEngine.class));
			});
	}

	@Test
	void whenUserDefinesAFanOutThenTheDefaultBacksOffAndTheTemplateUsesIt() {
		this.contextRunner
			.withBean("customFanOut", LocalFanOut.class,
					() -> new LocalFanOut(CustomEngineConfiguration.ENGINE, 8, Duration.ofSeconds(1)))
			.run((context) -> {
				assertThat(context).hasSingleBean(LocalFanOut.class);
				assertThat(context.getBean(LocalFanOut.class).capacity()).isEqualTo(8);
			});
	}

	@Test
	void whenUserDefinesTokensThenDefaultTokensBackOff() {
		this.contextRunner.withBean("customTokens", RealtimeTokens.class, () -> new RealtimeTokens() {

			@Override
			public dev.realtime.token.SubscriptionToken mint(TokenRequest request) {
				throw new UnsupportedOperationException();
			}

			@Override
			public dev.realtime.token.TokenClaims verify(String token) {
				throw new UnsupportedOperationException();
			}

		}).run((context) -> assertThat(context).doesNotHaveBean(JwsRealtimeTokens.class));
	}

	@Test
	void whenPropertiesAreSetThenTheyAreBound() {
		this.contextRunner
			.withPropertyValues("realtime.base-path=/live", "realtime.history.size=5", "realtime.history.ttl=30s",
					"realtime.limits.max-message-size=1KB", "realtime.token.ttl=1m",
					"realtime.websocket.allowed-origins=https://app.example.com")
			.run((context) -> {
				RealtimeProperties properties = context.getBean(RealtimeProperties.class);
				assertThat(properties.getBasePath()).isEqualTo("/live");
				assertThat(properties.getHistory().getSize()).isEqualTo(5);
				assertThat(properties.getHistory().getTtl()).isEqualTo(Duration.ofSeconds(30));
				assertThat(properties.getLimits().getMaxMessageSize().toBytes()).isEqualTo(1024);
				assertThat(properties.getToken().getTtl()).isEqualTo(Duration.ofMinutes(1));
				assertThat(properties.getWebsocket().getAllowedOrigins()).containsExactly("https://app.example.com");
			});
	}

	@Test
	void whenTokenTtlIsSetThenMintedTokensUseIt() {
		this.contextRunner.withPropertyValues("realtime.token.ttl=1m").run((context) -> {
			var token = context.getBean(RealtimeTokens.class).mint(TokenRequest.read("pipeline:open-1"));
			assertThat(token.expiresAt()).isBetween(java.time.Instant.now().plusSeconds(55),
					java.time.Instant.now().plusSeconds(61));
		});
	}

	@Test
	void whenMaxTtlIsSetThenTokensMintedInCodeMayLiveUpToIt() {
		this.contextRunner.withPropertyValues("realtime.token.max-ttl=1h").run((context) -> {
			RealtimeTokens tokens = context.getBean(RealtimeTokens.class);
			String token = tokens
				.mint(new TokenRequest("pipeline:open-1", java.util.Set.of(), java.util.Set.of(),
						Duration.ofMinutes(30)))
				.token();
			assertThat(tokens.verify(token).channel()).isEqualTo("pipeline:open-1");
		});
	}

	@Test
	void whenSecretIsTooShortThenStartupFailsNamingTheProperty() {
		this.contextRunner.withPropertyValues("realtime.token.secret=short").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("realtime.token.secret");
		});
	}

	@Test
	void whenSecretPlaceholderIsUnresolvedThenStartupFailsNamingPropertyAndVariable() {
		this.contextRunner
			.withPropertyValues("realtime.token.secret=${REALTIME_TOKEN_SECRET_THAT_NOBODY_HAS_SET_IN_THIS_TEST}")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.hasMessageContaining("realtime.token.secret")
					.hasMessageContaining("'REALTIME_TOKEN_SECRET_THAT_NOBODY_HAS_SET_IN_THIS_TEST'");
			});
	}

	@Test
	void whenSecretPlaceholderIsResolvedThenTokensAreSignedWithItsValue() {
		this.contextRunner
			.withPropertyValues("test.secret=base64:MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg5MDE=",
					"realtime.token.secret=${test.secret}")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(RealtimeTokens.class).mint(TokenRequest.read("pipeline:open-1")).token())
					.isNotEmpty();
			});
	}

	@Test
	void whenSecretIsConfiguredThenTokensFromAnotherNodeVerify() {
		String secret = "realtime.token.secret=base64:MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg5MDE=";
		this.contextRunner.withPropertyValues(secret)
			.run((first) -> this.contextRunner.withPropertyValues(secret).run((second) -> {
				String token = first.getBean(RealtimeTokens.class).mint(TokenRequest.read("pipeline:open-1")).token();
				assertThat(second.getBean(RealtimeTokens.class).verify(token).channel()).isEqualTo("pipeline:open-1");
			}));
	}

	@Test
	void whenBeanValidationIsMissingThenPayloadsAreNotValidated() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(Validator.class))
			.run((context) -> assertThat(context).hasSingleBean(PayloadCodec.class)
				.doesNotHaveBean(BeanValidationPayloadValidator.class));
	}

	@Test
	void whenAChannelRuleIsNotValidSpelThenStartupFailsNamingTheChannel() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, RealtimeAutoConfiguration.class))
			.withBean(ChannelCatalog.class, () -> DefaultChannelCatalog.of(TestPipeline.class, BrokenRule.class))
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOf(InvalidChannelDefinitionException.class)
				.hasMessageContaining(BrokenRule.class.getName())
				.hasMessageContaining("its authorize rule \"@runs.isOwner(authentication, #id\" is not a valid SpEL"));
	}

	@Test
	void whenNoJsonMapperThenAutoConfigurationBacksOff() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(RealtimeAutoConfiguration.class))
			.run((context) -> assertThat(context).doesNotHaveBean(RealtimeTemplate.class));
	}

	@Test
	void whenNoCatalogBeanThenCatalogIsLoadedFromTheClassPath() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, RealtimeAutoConfiguration.class))
			.run((context) -> assertThat(context).hasSingleBean(ChannelCatalog.class));
	}

	@RealtimeChannel(name = "broken:{id}", authorize = "@runs.isOwner(authentication, #id")
	interface BrokenRule {

		Topic<String> status();

	}

	@Configuration(proxyBeanMethods = false)
	static class CatalogConfiguration {

		@Bean
		ChannelCatalog channelCatalog() {
			return DefaultChannelCatalog.of(TestPipeline.class);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class CustomEngineConfiguration {

		static final RealtimeEngine ENGINE = new RealtimeEngine() {

			@Override
			public Mono<dev.realtime.engine.EngineMessage> publish(dev.realtime.engine.PublishRequest request) {
				return Mono.empty();
			}

			@Override
			public Disposable listen(String channel, dev.realtime.engine.ChannelListener listener) {
				return Disposables.disposed();
			}

			@Override
			public Mono<dev.realtime.engine.History> history(String channel, dev.realtime.engine.Replay replay) {
				return Mono.just(dev.realtime.engine.History.none());
			}

		};

		@Bean
		RealtimeEngine customEngine() {
			return ENGINE;
		}

	}

}
