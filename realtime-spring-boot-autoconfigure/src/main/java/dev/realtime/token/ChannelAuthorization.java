package dev.realtime.token;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.realtime.Channel;
import dev.realtime.ChannelDefinition;
import dev.realtime.InvalidChannelDefinitionException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.context.expression.BeanFactoryResolver;
import org.springframework.core.log.LogMessage;
import org.springframework.expression.Expression;
import org.springframework.expression.ExpressionParser;
import org.springframework.expression.ParseException;
import org.springframework.expression.spel.standard.SpelExpressionParser;
import org.springframework.expression.spel.support.StandardEvaluationContext;
import org.springframework.security.authentication.AuthenticationTrustResolver;
import org.springframework.security.authentication.AuthenticationTrustResolverImpl;
import org.springframework.security.core.Authentication;
import org.springframework.util.Assert;

/**
 * Decides whether a token may be issued for a channel: the single place the token
 * endpoint asks.
 * <p>
 * When the channel declares a rule with {@link dev.realtime.RealtimeChannel#authorize()},
 * that SpEL expression alone decides. Its root object is an {@link AuthorizationRoot} (so
 * {@code authentication}, {@code principal} and {@code authenticated} are available),
 * each channel parameter is a variable ({@code #runId}), as are the requested topics
 * ({@code #topics}), publish topics ({@code #publish}) and whether the token should grant
 * cancelling the channel's runs ({@code #cancel}), seeing its members
 * ({@code #presence}), and {@code @bean} refers to a bean. Expressions run on
 * {@link Schedulers#boundedElastic()} because bean methods may block. Rules are parsed
 * when the instance is created, so that a rule that is not valid SpEL fails start-up; an
 * expression that fails or does not return a boolean denies, with a warning.
 * <p>
 * Otherwise the {@link ChannelAuthorizer} beans are asked in order until one decides.
 * When none does, the decision is {@link Decision#NO_RULE}, which callers treat as a
 * denial that explains how to declare a rule ({@link #NO_RULE_MESSAGE}).
 *
 * @author Realtime team
 * @since 0.1.0
 */
public class ChannelAuthorization {

	/**
	 * Explanation for a request no rule covers, suitable as the detail of a 403 response.
	 */
	public static final String NO_RULE_MESSAGE = "No authorization rule covers this channel, so tokens for it are"
			+ " denied: declare one with @RealtimeChannel(authorize = \"...\") on the channel interface"
			+ " or with a ChannelAuthorizer bean";

	private static final Log logger = LogFactory.getLog(ChannelAuthorization.class);

	private static final ExpressionParser parser = new SpelExpressionParser();

	private final List<ChannelAuthorizer> authorizers;

	private final @Nullable BeanFactory beanFactory;

	private final Map<String, Expression> expressions = new ConcurrentHashMap<>();

	/**
	 * Create an instance.
	 * @param authorizers the authorizers, in the order they are asked
	 * @param beanFactory the bean factory that {@code @bean} references in expressions
	 * resolve against, or {@code null} to allow none
	 */
	public ChannelAuthorization(List<ChannelAuthorizer> authorizers, @Nullable BeanFactory beanFactory) {
		this(authorizers, beanFactory, List.of());
	}

	/**
	 * Create an instance that parses the rules of the given channels up front.
	 * @param authorizers the authorizers, in the order they are asked
	 * @param beanFactory the bean factory that {@code @bean} references in expressions
	 * resolve against, or {@code null} to allow none
	 * @param channels the channels whose rules to parse, usually every channel of the
	 * catalog
	 * @throws InvalidChannelDefinitionException if a rule is not a valid SpEL expression
	 */
	public ChannelAuthorization(List<ChannelAuthorizer> authorizers, @Nullable BeanFactory beanFactory,
			Collection<ChannelDefinition> channels) {
		Assert.notNull(authorizers, "'authorizers' must not be null");
		Assert.noNullElements(authorizers, "'authorizers' must not contain null elements");
		Assert.notNull(channels, "'channels' must not be null");
		this.authorizers = List.copyOf(authorizers);
		this.beanFactory = beanFactory;
		for (ChannelDefinition channel : channels) {
			String rule = channel.authorize();
			if (rule != null) {
				this.expressions.computeIfAbsent(rule, (source) -> parse(channel, source));
			}
		}
	}

	private static Expression parse(ChannelDefinition channel, String rule) {
		try {
			return parser.parseExpression(rule);
		}
		catch (ParseException ex) {
			throw new InvalidChannelDefinitionException(channel.type(),
					"its authorize rule \"" + rule + "\" is not a valid SpEL expression: " + ex.getMessage());
		}
	}

	/**
	 * Decide whether a token may be issued.
	 * @param request who asks for which channel and topics
	 * @return the decision; an error if an authorizer fails
	 */
	public Mono<Decision> authorize(ChannelAccessRequest request) {
		Assert.notNull(request, "'request' must not be null");
		String rule = request.channel().definition().authorize();
		if (rule != null) {
			return Mono.fromCallable(() -> evaluate(rule, request))
				.subscribeOn(Schedulers.boundedElastic())
				.onErrorResume((ex) -> {
					logger.warn(LogMessage.format("Denied a token for channel '%s': its authorize expression failed",
							request.channel().name()), ex);
					return Mono.just(Decision.DENIED);
				});
		}
		return Flux.fromIterable(this.authorizers)
			.concatMap((authorizer) -> authorizer.authorize(request))
			.next()
			.map((granted) -> granted ? Decision.GRANTED : Decision.DENIED)
			.defaultIfEmpty(Decision.NO_RULE);
	}

	private Decision evaluate(String rule, ChannelAccessRequest request) {
		Expression expression = this.expressions.computeIfAbsent(rule,
				(source) -> parse(request.channel().definition(), source));
		StandardEvaluationContext context = new StandardEvaluationContext(
				new AuthorizationRoot(request.authentication()));
		if (this.beanFactory != null) {
			context.setBeanResolver(new BeanFactoryResolver(this.beanFactory));
		}
		Channel channel = request.channel();
		channel.parameters().forEach(context::setVariable);
		context.setVariable("topics", request.topics());
		context.setVariable("publish", request.publish());
		context.setVariable("cancel", request.cancel());
		context.setVariable("presence", request.presence());
		Object result = expression.getValue(context);
		if (result instanceof Boolean granted) {
			return granted ? Decision.GRANTED : Decision.DENIED;
		}
		logger.warn(LogMessage.format(
				"Denied a token for channel '%s': its authorize expression returned %s instead of a boolean",
				channel.name(), (result != null) ? result.getClass().getName() : "null"));
		return Decision.DENIED;
	}

	/**
	 * The outcome of {@link #authorize(ChannelAccessRequest)}.
	 */
	public enum Decision {

		/**
		 * A rule allows the token.
		 */
		GRANTED,

		/**
		 * A rule denies the token.
		 */
		DENIED,

		/**
		 * No rule covers the channel: the token is denied, see {@link #NO_RULE_MESSAGE}.
		 */
		NO_RULE

	}

	/**
	 * The root object of {@link dev.realtime.RealtimeChannel#authorize()} expressions.
	 *
	 * @author Realtime team
	 * @since 0.1.0
	 */
	public static final class AuthorizationRoot {

		private static final AuthenticationTrustResolver trustResolver = new AuthenticationTrustResolverImpl();

		private final @Nullable Authentication authentication;

		AuthorizationRoot(@Nullable Authentication authentication) {
			this.authentication = authentication;
		}

		/**
		 * Return the caller, available as {@code authentication}.
		 * @return the authentication, or {@code null} when unauthenticated
		 */
		public @Nullable Authentication getAuthentication() {
			return this.authentication;
		}

		/**
		 * Return the caller's principal, available as {@code principal}.
		 * @return the principal, or {@code null} when unauthenticated
		 */
		public @Nullable Object getPrincipal() {
			return (this.authentication != null) ? this.authentication.getPrincipal() : null;
		}

		/**
		 * Whether the caller is authenticated and not anonymous, available as
		 * {@code authenticated}.
		 * @return whether the caller is authenticated
		 */
		public boolean isAuthenticated() {
			return trustResolver.isAuthenticated(this.authentication);
		}

	}

}
