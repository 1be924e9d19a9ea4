package dev.realtime.autoconfigure;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

import dev.realtime.ChannelCatalog;
import dev.realtime.catalog.ChannelCatalogLoader;
import dev.realtime.delivery.LocalFanOut;
import dev.realtime.engine.PresenceStore;
import dev.realtime.engine.RealtimeEngine;
import dev.realtime.engine.memory.InMemoryEngine;
import dev.realtime.engine.memory.InMemoryPresenceStore;
import dev.realtime.presence.PresenceTracker;
import dev.realtime.support.BeanValidationPayloadValidator;
import dev.realtime.support.PayloadCodec;
import dev.realtime.support.PayloadValidator;
import dev.realtime.support.RealtimeTemplate;
import dev.realtime.token.ChannelAuthorization;
import dev.realtime.token.ChannelAuthorizer;
import dev.realtime.token.InMemoryTicketStore;
import dev.realtime.token.JwsRealtimeTokens;
import dev.realtime.token.RealtimeTokens;
import dev.realtime.token.StreamTickets;
import dev.realtime.token.TicketStore;
import dev.realtime.token.TokenKeys;
import io.micrometer.observation.ObservationRegistry;
import jakarta.validation.Validator;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ResourceLoader;
import org.springframework.util.ClassUtils;
import org.springframework.util.StringUtils;

/**
 * Auto-configuration of the channel catalog, the engine, the publisher and subscription
 * tokens.
 *
 * @author Realtime team
 * @since 0.1.0
 */
@AutoConfiguration(after = { JacksonAutoConfiguration.class, ValidationAutoConfiguration.class })
@ConditionalOnClass({ RealtimeTemplate.class, JsonMapper.class })
@ConditionalOnBean(JsonMapper.class)
@EnableConfigurationProperties(RealtimeProperties.class)
public final class RealtimeAutoConfiguration {

	private static final Log logger = LogFactory.getLog(RealtimeAutoConfiguration.class);

	private static final boolean MICROMETER_TRACING_PRESENT = ClassUtils.isPresent(
			"io.micrometer.tracing.handler.TracingObservationHandler",
			RealtimeAutoConfiguration.class.getClassLoader());

	@Bean
	@ConditionalOnMissingBean
	ChannelCatalog realtimeChannelCatalog(JsonMapper jsonMapper, ResourceLoader resourceLoader) {
		ClassLoader classLoader = resourceLoader.getClassLoader();
		return new ChannelCatalogLoader(jsonMapper)
			.load((classLoader != null) ? classLoader : RealtimeAutoConfiguration.class.getClassLoader());
	}

	@Bean
	@ConditionalOnMissingBean
	PayloadCodec realtimePayloadCodec(JsonMapper jsonMapper, ObjectProvider<PayloadValidator> validator,
			RealtimeProperties properties) {
		return new PayloadCodec(jsonMapper, validator.getIfAvailable(() -> PayloadValidator.NONE),
				properties.getLimits().getMaxMessageSize().toBytes());
	}

	@Bean
	@ConditionalOnMissingBean(RealtimeEngine.class)
	@ConditionalOnProperty(name = "realtime.engine.type", havingValue = "memory", matchIfMissing = true)
	InMemoryEngine realtimeEngine(RealtimeProperties properties) {
		return new InMemoryEngine(properties.getHistory().getSize(), properties.getHistory().getTtl(),
				Clock.systemUTC(), properties.getStreams().getMaxSize().toBytes(), properties.getStreams().getTtl());
	}

	@Bean
	@ConditionalOnMissingBean(PresenceStore.class)
	@ConditionalOnProperty(name = "realtime.engine.type", havingValue = "memory", matchIfMissing = true)
	InMemoryPresenceStore realtimePresenceStore(RealtimeProperties properties) {
		return new InMemoryPresenceStore(properties.getPresence().getMaxMembers());
	}

	@Bean
	@ConditionalOnMissingBean
	PresenceTracker realtimePresence(PresenceStore store, RealtimeEngine engine, ChannelCatalog catalog,
			JsonMapper jsonMapper, RealtimeProperties properties) {
		RealtimeProperties.Presence presence = properties.getPresence();
		return new PresenceTracker(store, engine, catalog, jsonMapper, presence.getLeaveDelay(),
				presence.getTtl().dividedBy(3));
	}

	@Bean
	@ConditionalOnMissingBean
	LocalFanOut realtimeFanOut(RealtimeEngine engine, RealtimeProperties properties,
			ObjectProvider<ObservationRegistry> observationRegistry) {
		LocalFanOut fanOut = new LocalFanOut(engine, properties.getLimits().getSubscriberBuffer(),
				properties.getLimits().getWriteTimeout());
		fanOut.setObservationRegistry(observationRegistry.getIfUnique(() -> ObservationRegistry.NOOP));
		return fanOut;
	}

	@Bean
	@ConditionalOnMissingBean
	RealtimeTemplate realtimeTemplate(LocalFanOut fanOut, PayloadCodec codec, RealtimeProperties properties,
			ObjectProvider<ObservationRegistry> observationRegistry) {
		RealtimeTemplate template = new RealtimeTemplate(fanOut, codec, properties.getEngine().getPublishTimeout());
		template.setObservationRegistry(observationRegistry.getIfUnique(() -> ObservationRegistry.NOOP));
		boolean traceparents = properties.getTracing().isTraceparent();
		if (traceparents && !MICROMETER_TRACING_PRESENT) {
			logger.warn("realtime.tracing.traceparent is set, but Micrometer Tracing is not on the class path: "
					+ "messages carry no traceparent");
		}
		template.setTraceparents(traceparents && MICROMETER_TRACING_PRESENT);
		return template;
	}

	@Bean
	@ConditionalOnMissingBean(RealtimeTokens.class)
	JwsRealtimeTokens realtimeTokens(ChannelCatalog catalog, RealtimeProperties properties) {
		RealtimeProperties.Token token = properties.getToken();
		Duration maxTtl = token.getMaxTtl();
		return new JwsRealtimeTokens(catalog, tokenKeys(token), token.getTtl(),
				(maxTtl != null) ? maxTtl : token.getTtl(), token.getClockSkew(), Clock.systemUTC());
	}

	@Bean
	@ConditionalOnMissingBean(TicketStore.class)
	InMemoryTicketStore realtimeTicketStore() {
		return new InMemoryTicketStore();
	}

	@Bean
	@ConditionalOnMissingBean
	StreamTickets realtimeStreamTickets(RealtimeTokens tokens, TicketStore store, RealtimeProperties properties) {
		return new StreamTickets(tokens, store, properties.getToken().getTicketTtl(), Clock.systemUTC());
	}

	private static TokenKeys tokenKeys(RealtimeProperties.Token token) {
		if (StringUtils.hasText(token.getPrivateKey())) {
			return TokenKeys.pem(token.getPrivateKey(), token.getPublicKey());
		}
		if (StringUtils.hasText(token.getSecret())) {
			return TokenKeys.secret(token.getSecret());
		}
		logger.warn("No realtime.token.secret or realtime.token.private-key is configured: tokens are signed with "
				+ "a random key of this process. Configure a shared key when several nodes serve realtime clients.");
		return TokenKeys.random();
	}

	@Bean
	@ConditionalOnMissingBean
	ChannelAuthorization realtimeChannelAuthorization(ObjectProvider<ChannelAuthorizer> authorizers,
			BeanFactory beanFactory, ChannelCatalog catalog) {
		List<ChannelAuthorizer> ordered = authorizers.orderedStream().toList();
		return new ChannelAuthorization(ordered, beanFactory, catalog.definitions());
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(Validator.class)
	static class BeanValidationConfiguration {

		@Bean
		@ConditionalOnMissingBean
		@ConditionalOnBean(Validator.class)
		BeanValidationPayloadValidator realtimePayloadValidator(Validator validator) {
			return new BeanValidationPayloadValidator(validator);
		}

	}

}
