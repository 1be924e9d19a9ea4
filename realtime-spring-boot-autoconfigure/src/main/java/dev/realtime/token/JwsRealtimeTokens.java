package dev.realtime.token;

import java.security.SecureRandom;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimNames;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.realtime.Channel;
import dev.realtime.ChannelCatalog;
import dev.realtime.ChannelDefinition;
import dev.realtime.InvalidChannelException;
import dev.realtime.TopicDefinition;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;
import org.springframework.util.StringUtils;

/**
 * {@link RealtimeTokens} issuing compact JWS tokens signed with {@link TokenKeys}.
 * <p>
 * Tokens have the header {@code typ: "rt+jwt"} (and {@code kid} when the signing key has
 * an id) and the claims {@code jti} (128 random bits), {@code iat}, {@code nbf},
 * {@code exp}, {@code ch} (the channel name), {@code tp} (the topics to read) and
 * {@code pub} (the topics to publish to), {@code cancel: true} when it may cancel the
 * channel's runs, {@code prs: true} when it may see the channel's members, {@code inf}
 * (what the members learn about its holder) when there is any, and {@code sub} (who it is
 * for) when the request names a subject. A token is verified with the key its {@code kid}
 * names and only with that key's algorithm; its {@code alg} header never chooses the
 * verifier.
 * <p>
 * Verification also rejects a token whose lifetime ({@code exp - iat}) is longer than the
 * longest this instance mints plus the clock skew, so that a leaked key cannot mint
 * tokens that stay valid for years.
 *
 * @author Realtime team
 * @since 0.1.0
 */
public class JwsRealtimeTokens implements RealtimeTokens {

	/**
	 * Lifetime of a token whose request names none.
	 */
	public static final Duration DEFAULT_TTL = Duration.ofMinutes(5);

	/**
	 * Difference between the clocks of nodes that verification tolerates.
	 */
	public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(30);

	/**
	 * The {@code typ} header of subscription tokens.
	 */
	public static final JOSEObjectType TOKEN_TYPE = new JOSEObjectType("rt+jwt");

	static final String CHANNEL_CLAIM = "ch";

	static final String TOPICS_CLAIM = "tp";

	static final String PUBLISH_CLAIM = "pub";

	static final String CANCEL_CLAIM = "cancel";

	static final String PRESENCE_CLAIM = "prs";

	static final String INFO_CLAIM = "inf";

	// Far above any real token; keeps hostile input from being decoded and parsed
	private static final int MAX_TOKEN_LENGTH = 8192;

	private static final SecureRandom RANDOM = new SecureRandom();

	private final ChannelCatalog catalog;

	private final TokenKeys keys;

	private final Duration ttl;

	private final Duration maxTtl;

	private final Duration clockSkew;

	private final Clock clock;

	/**
	 * Create an instance with the default lifetime and clock skew and the system clock.
	 * @param catalog the channels tokens may name
	 * @param keys the signing and verification keys
	 */
	public JwsRealtimeTokens(ChannelCatalog catalog, TokenKeys keys) {
		this(catalog, keys, DEFAULT_TTL, DEFAULT_CLOCK_SKEW, Clock.systemUTC());
	}

	/**
	 * Create an instance.
	 * @param catalog the channels tokens may name
	 * @param keys the signing and verification keys
	 * @param ttl the lifetime of a token whose request names none
	 * @param clockSkew the difference between clocks that verification tolerates
	 * @param clock the clock
	 */
	public JwsRealtimeTokens(ChannelCatalog catalog, TokenKeys keys, Duration ttl, Duration clockSkew, Clock clock) {
		this(catalog, keys, ttl, ttl, clockSkew, clock);
	}

	/**
	 * Create an instance.
	 * @param catalog the channels tokens may name
	 * @param keys the signing and verification keys
	 * @param ttl the lifetime of a token whose request names none
	 * @param maxTtl the longest lifetime a request may name; verification rejects
	 * longer-lived tokens
	 * @param clockSkew the difference between clocks that verification tolerates
	 * @param clock the clock
	 */
	public JwsRealtimeTokens(ChannelCatalog catalog, TokenKeys keys, Duration ttl, Duration maxTtl, Duration clockSkew,
			Clock clock) {
		Assert.notNull(catalog, "'catalog' must not be null");
		Assert.notNull(keys, "'keys' must not be null");
		Assert.notNull(ttl, "'ttl' must not be null");
		Assert.isTrue(!ttl.isNegative() && !ttl.isZero(), "'ttl' must be positive");
		Assert.notNull(maxTtl, "'maxTtl' must not be null");
		Assert.isTrue(maxTtl.compareTo(ttl) >= 0,
				() -> "'maxTtl' (" + maxTtl + ") must not be shorter than 'ttl' (" + ttl + ")");
		Assert.notNull(clockSkew, "'clockSkew' must not be null");
		Assert.isTrue(!clockSkew.isNegative(), "'clockSkew' must not be negative");
		Assert.notNull(clock, "'clock' must not be null");
		this.catalog = catalog;
		this.keys = keys;
		this.ttl = ttl;
		this.maxTtl = maxTtl;
		this.clockSkew = clockSkew;
		this.clock = clock;
	}

	@Override
	public SubscriptionToken mint(TokenRequest request) {
		Assert.notNull(request, "'request' must not be null");
		Channel channel = this.catalog.resolve(request.channel());
		ChannelDefinition definition = channel.definition();
		List<String> topics = request.topics().isEmpty() ? List.copyOf(definition.topicNames())
				: declared(definition, request.topics());
		List<String> publish = declared(definition, request.publish());
		if (request.presence() && !definition.presence()) {
			throw new IllegalArgumentException("Channel '" + definition.template()
					+ "' does not track presence; declare it with @RealtimeChannel(presence = true)");
		}
		// JWT times are whole seconds: truncate so the returned expiry matches the claim
		Instant issuedAt = this.clock.instant().truncatedTo(ChronoUnit.SECONDS);
		Duration requested = request.ttl();
		Duration ttl = (requested != null) ? requested : this.ttl;
		if (ttl.compareTo(this.maxTtl) > 0) {
			throw new IllegalArgumentException(
					"Token ttl " + ttl + " is longer than the maximum of " + this.maxTtl + " (realtime.token.max-ttl)");
		}
		Instant expiresAt = issuedAt.plus(ttl);
		JWTClaimsSet claims = new JWTClaimsSet.Builder().jwtID(randomId())
			.issueTime(Date.from(issuedAt))
			.notBeforeTime(Date.from(issuedAt))
			.expirationTime(Date.from(expiresAt))
			.claim(CHANNEL_CLAIM, channel.name())
			.claim(TOPICS_CLAIM, topics)
			.claim(PUBLISH_CLAIM, publish)
			// absent rather than false, so that tokens without the grant stay as they
			// were
			.claim(CANCEL_CLAIM, request.cancel() ? Boolean.TRUE : null)
			.claim(PRESENCE_CLAIM, request.presence() ? Boolean.TRUE : null)
			.claim(INFO_CLAIM, request.info().isEmpty() ? null : request.info())
			.subject(request.subject())
			.build();
		JWSHeader header = new JWSHeader.Builder(this.keys.signingKey().algorithm()).type(TOKEN_TYPE)
			.keyID(this.keys.keyId())
			.build();
		SignedJWT jwt = new SignedJWT(header, claims);
		try {
			jwt.sign(this.keys.signer());
		}
		catch (JOSEException ex) {
			throw new IllegalStateException("Cannot sign token", ex);
		}
		return new SubscriptionToken(jwt.serialize(), expiresAt, channel.name(), topics, publish, request.cancel(),
				request.presence());
	}

	/**
	 * Return the requested topics in declaration order, checking that each is declared.
	 * @param definition the channel definition
	 * @param requested the requested topics
	 * @return the topics in declaration order
	 */
	private static List<String> declared(ChannelDefinition definition, Set<String> requested) {
		for (String topic : requested) {
			definition.topic(topic);
		}
		List<String> topics = new ArrayList<>(requested.size());
		for (String topic : definition.topicNames()) {
			if (requested.contains(topic)) {
				topics.add(topic);
			}
		}
		return Collections.unmodifiableList(topics);
	}

	private static String randomId() {
		byte[] bytes = new byte[16];
		RANDOM.nextBytes(bytes);
		return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
	}

	@Override
	public TokenClaims verify(String token) {
		if (!StringUtils.hasText(token)) {
			throw new InvalidTokenException("Missing token");
		}
		if (token.length() > MAX_TOKEN_LENGTH) {
			throw new InvalidTokenException("Malformed token");
		}
		SignedJWT jwt = parse(token);
		checkSignature(jwt);
		JWTClaimsSet claims = claims(jwt);
		String id = stringClaim(claims, JWTClaimNames.JWT_ID);
		Instant issuedAt = instant(claims.getIssueTime());
		Instant notBefore = instant(claims.getNotBeforeTime());
		Instant expiresAt = instant(claims.getExpirationTime());
		String channelName = stringClaim(claims, CHANNEL_CLAIM);
		List<String> topics = stringListClaim(claims, TOPICS_CLAIM);
		List<String> publish = stringListClaim(claims, PUBLISH_CLAIM);
		String subject = optionalStringClaim(claims, JWTClaimNames.SUBJECT);
		boolean cancel = booleanClaim(claims, CANCEL_CLAIM);
		boolean presence = booleanClaim(claims, PRESENCE_CLAIM);
		Map<String, String> info = infoClaim(claims);
		checkTimes(issuedAt, notBefore, expiresAt);
		if (topics.isEmpty()) {
			throw new InvalidTokenException("Token grants no topic");
		}
		ChannelDefinition definition = resolve(channelName).definition();
		return new TokenClaims(id, channelName, declaredTopics(definition, topics), declaredTopics(definition, publish),
				cancel, issuedAt, expiresAt, subject, presence && definition.presence(), info);
	}

	private static SignedJWT parse(String token) {
		JWT jwt;
		try {
			jwt = JWTParser.parse(token);
		}
		catch (ParseException ex) {
			throw new InvalidTokenException("Malformed token");
		}
		if (jwt instanceof PlainJWT) {
			throw new InvalidTokenException("Unsecured token");
		}
		if (!(jwt instanceof SignedJWT signed)) {
			throw new InvalidTokenException("Not a signed token");
		}
		return signed;
	}

	private void checkSignature(SignedJWT jwt) {
		JWSHeader header = jwt.getHeader();
		TokenKeys.VerificationKey key = this.keys.verificationKey(header.getKeyID());
		if (key == null) {
			throw new InvalidTokenException("Unknown key id");
		}
		if (!key.algorithm().equals(header.getAlgorithm())) {
			throw new InvalidTokenException("Unexpected algorithm");
		}
		if (!TOKEN_TYPE.equals(header.getType())) {
			throw new InvalidTokenException("Not a subscription token");
		}
		boolean valid;
		try {
			valid = jwt.verify(key.verifier());
		}
		catch (JOSEException ex) {
			valid = false;
		}
		if (!valid) {
			throw new InvalidTokenException("Invalid signature");
		}
	}

	private static JWTClaimsSet claims(SignedJWT jwt) {
		try {
			return jwt.getJWTClaimsSet();
		}
		catch (ParseException ex) {
			throw new InvalidTokenException("Malformed claims");
		}
	}

	private static String stringClaim(JWTClaimsSet claims, String name) {
		String value;
		try {
			value = claims.getStringClaim(name);
		}
		catch (ParseException ex) {
			throw new InvalidTokenException("Malformed claims");
		}
		if (value == null || value.isEmpty()) {
			throw new InvalidTokenException("Missing claims");
		}
		return value;
	}

	private static @Nullable String optionalStringClaim(JWTClaimsSet claims, String name) {
		String value;
		try {
			value = claims.getStringClaim(name);
		}
		catch (ParseException ex) {
			throw new InvalidTokenException("Malformed claims");
		}
		if (value != null && value.isEmpty()) {
			throw new InvalidTokenException("Malformed claims");
		}
		return value;
	}

	private static boolean booleanClaim(JWTClaimsSet claims, String name) {
		Boolean value;
		try {
			value = claims.getBooleanClaim(name);
		}
		catch (ParseException ex) {
			throw new InvalidTokenException("Malformed claims");
		}
		return Boolean.TRUE.equals(value);
	}

	private static Map<String, String> infoClaim(JWTClaimsSet claims) {
		Map<String, Object> values;
		try {
			values = claims.getJSONObjectClaim(INFO_CLAIM);
		}
		catch (ParseException ex) {
			throw new InvalidTokenException("Malformed claims");
		}
		if (values == null) {
			return Map.of();
		}
		if (values.size() > TokenRequest.MAX_INFO_ENTRIES) {
			throw new InvalidTokenException("Malformed claims");
		}
		Map<String, String> info = new LinkedHashMap<>();
		values.forEach((key, value) -> {
			if (!(value instanceof String text) || key.isEmpty() || key.length() > TokenRequest.MAX_INFO_LENGTH
					|| text.length() > TokenRequest.MAX_INFO_LENGTH) {
				throw new InvalidTokenException("Malformed claims");
			}
			info.put(key, text);
		});
		return Collections.unmodifiableMap(info);
	}

	private static List<String> stringListClaim(JWTClaimsSet claims, String name) {
		List<String> values;
		try {
			values = claims.getStringListClaim(name);
		}
		catch (ParseException ex) {
			throw new InvalidTokenException("Malformed claims");
		}
		if (values == null) {
			throw new InvalidTokenException("Missing claims");
		}
		return values;
	}

	private static Instant instant(@Nullable Date date) {
		if (date == null) {
			throw new InvalidTokenException("Missing claims");
		}
		return date.toInstant();
	}

	private void checkTimes(Instant issuedAt, Instant notBefore, Instant expiresAt) {
		Instant now = this.clock.instant();
		if (!now.isBefore(expiresAt.plus(this.clockSkew))) {
			throw new InvalidTokenException("Token expired", true);
		}
		Instant latest = now.plus(this.clockSkew);
		if (notBefore.isAfter(latest) || issuedAt.isAfter(latest)) {
			throw new InvalidTokenException("Token not yet valid");
		}
		if (Duration.between(issuedAt, expiresAt).compareTo(this.maxTtl.plus(this.clockSkew)) > 0) {
			throw new InvalidTokenException("Token lifetime too long");
		}
	}

	private Channel resolve(String channelName) {
		try {
			return this.catalog.resolve(channelName);
		}
		catch (InvalidChannelException ex) {
			throw new InvalidTokenException("Unknown channel");
		}
	}

	/**
	 * Return the topics of a token, checking that each is declared. The names are the
	 * definition's own, and the set is compact, since open streams keep it.
	 * @param definition the channel definition
	 * @param topics the topics of the token
	 * @return the topics
	 */
	private static Set<String> declaredTopics(ChannelDefinition definition, List<String> topics) {
		List<String> names = new ArrayList<>(topics.size());
		for (String topic : topics) {
			TopicDefinition declared = definition.topics().get(topic);
			if (declared == null) {
				throw new InvalidTokenException("Unknown topic");
			}
			names.add(declared.name());
		}
		return Set.copyOf(names);
	}

}
