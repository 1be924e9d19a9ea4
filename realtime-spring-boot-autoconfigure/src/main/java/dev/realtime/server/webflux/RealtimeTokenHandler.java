package dev.realtime.server.webflux;

import java.security.Principal;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

import dev.realtime.Channel;
import dev.realtime.ChannelCatalog;
import dev.realtime.InvalidChannelException;
import dev.realtime.token.ChannelAccessRequest;
import dev.realtime.token.ChannelAuthorization;
import dev.realtime.token.RealtimeTokens;
import dev.realtime.token.TokenRequest;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.log.LogMessage;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.Authentication;
import org.springframework.util.Assert;
import org.springframework.util.StringUtils;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * Mints subscription tokens: {@code POST {base}/token} with
 * {@code {"channel":…,"topics":[…],"publish":[…],"cancel":true}} ({@code publish} and
 * {@code cancel} optional), after the application's authorization rule for the channel
 * grants it. A token minted for an authenticated caller names the caller as its subject.
 * Runs behind the application's own security, which authenticates the caller.
 *
 * @author Realtime team
 * @since 0.1.0
 */
public final class RealtimeTokenHandler {

	private static final Log logger = LogFactory.getLog(RealtimeTokenHandler.class);

	private static final int MAX_SHOWN_NAME = 100;

	private final ChannelCatalog catalog;

	private final ChannelAuthorization authorization;

	private final RealtimeTokens tokens;

	private final JsonMapper mapper;

	private final int maxRequestSize;

	RealtimeTokenHandler(ChannelCatalog catalog, ChannelAuthorization authorization, RealtimeTokens tokens,
			JsonMapper mapper, int maxRequestSize) {
		Assert.notNull(catalog, "'catalog' must not be null");
		Assert.notNull(authorization, "'authorization' must not be null");
		Assert.notNull(tokens, "'tokens' must not be null");
		Assert.notNull(mapper, "'mapper' must not be null");
		Assert.isTrue(maxRequestSize > 0, "'maxRequestSize' must be positive");
		this.catalog = catalog;
		this.authorization = authorization;
		this.tokens = tokens;
		this.mapper = mapper;
		this.maxRequestSize = maxRequestSize;
	}

	/**
	 * Handle a token request.
	 * @param request the request
	 * @return the token, or a problem response
	 */
	public Mono<ServerResponse> handleRequest(ServerRequest request) {
		return JsonBodies.read(request, this.mapper, this.maxRequestSize)
			.zipWith(request.principal().map(Optional::<Principal>of).defaultIfEmpty(Optional.empty()))
			.flatMap((body) -> mint(body.getT1(), authentication(body.getT2().orElse(null))))
			.onErrorResume(RealtimeProblems::of);
	}

	private Mono<ServerResponse> mint(JsonNode body, @Nullable Authentication authentication) {
		String channelName = RealtimePublishHandler.text(body, "channel");
		Set<String> topics = names(body, "topics");
		Set<String> publish = names(body, "publish");
		boolean cancel = flag(body, "cancel");
		Channel channel = resolve(channelName);
		topics.forEach((topic) -> channel.definition().topic(topic));
		publish.forEach((topic) -> channel.definition().topic(topic));
		ChannelAccessRequest access = new ChannelAccessRequest(authentication, channel, topics, publish, cancel);
		return this.authorization.authorize(access).flatMap((decision) -> switch (decision) {
			case GRANTED -> ServerResponse.ok()
				.bodyValue(this.tokens
					.mint(new TokenRequest(channelName, topics, publish, cancel, null, subject(authentication))));
			case DENIED -> (authentication != null)
					? RealtimeProblems.of(HttpStatus.FORBIDDEN, "Access to channel '" + channelName + "' is denied")
					: RealtimeProblems.of(HttpStatus.UNAUTHORIZED,
							"Authentication is required for channel '" + channelName + "'");
			case NO_RULE -> RealtimeProblems.of(HttpStatus.FORBIDDEN, ChannelAuthorization.NO_RULE_MESSAGE);
		});
	}

	// the catalog's message lists every declared channel: for the logs, not for callers
	private Channel resolve(String channelName) {
		try {
			return this.catalog.resolve(channelName);
		}
		catch (InvalidChannelException ex) {
			logger.debug(LogMessage.format("Token refused: %s", ex.getMessage()));
			String shown = (channelName.length() > MAX_SHOWN_NAME) ? channelName.substring(0, MAX_SHOWN_NAME) + "…"
					: channelName;
			throw new InvalidChannelException("Unknown channel '" + shown.replaceAll("\\p{Cntrl}", "?") + "'");
		}
	}

	private static @Nullable String subject(@Nullable Authentication authentication) {
		return (authentication != null && StringUtils.hasText(authentication.getName())) ? authentication.getName()
				: null;
	}

	private static @Nullable Authentication authentication(@Nullable Principal principal) {
		return (principal instanceof Authentication authentication && authentication.isAuthenticated()) ? authentication
				: null;
	}

	private static boolean flag(JsonNode body, String field) {
		JsonNode value = body.get(field);
		if (value == null || value.isNull()) {
			return false;
		}
		if (!value.isBoolean()) {
			throw new IllegalArgumentException("Field '" + field + "' must be true or false");
		}
		return value.booleanValue();
	}

	private static Set<String> names(JsonNode body, String field) {
		JsonNode value = body.get(field);
		if (value == null || value.isNull()) {
			return Set.of();
		}
		if (!value.isArray()) {
			throw new IllegalArgumentException("Field '" + field + "' must be an array of topic names");
		}
		Set<String> names = new LinkedHashSet<>();
		for (JsonNode name : value) {
			if (!name.isString() || name.asString().isEmpty()) {
				throw new IllegalArgumentException("Field '" + field + "' must contain topic names");
			}
			names.add(name.asString());
		}
		return names;
	}

}
