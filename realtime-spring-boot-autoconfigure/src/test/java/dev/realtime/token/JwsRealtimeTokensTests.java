package dev.realtime.token;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Set;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.realtime.InvalidChannelException;
import dev.realtime.RealtimeChannel;
import dev.realtime.Topic;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Tests for {@link JwsRealtimeTokens}.
 *
 * @author Realtime team
 */
class JwsRealtimeTokensTests {

	private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");

	private static final byte[] SECRET_BYTES = Base64.getDecoder().decode(TestKeys.SECRET.substring(7));

	private final TestChannelCatalog catalog = new TestChannelCatalog(Pipeline.class);

	private final TokenKeys keys = TokenKeys.secret(TestKeys.SECRET);

	private final JwsRealtimeTokens tokens = tokensAt(NOW);

	@Test
	void whenTokenMintedThenItVerifiesWithTheGrantedClaims() {
		SubscriptionToken token = this.tokens
			.mint(new TokenRequest("pipeline:run-1", Set.of("status", "tokens"), Set.of("approval"), null));
		assertThat(token.channel()).isEqualTo("pipeline:run-1");
		assertThat(token.topics()).containsExactlyInAnyOrder("status", "tokens");
		assertThat(token.publish()).containsExactly("approval");
		assertThat(token.expiresAt()).isEqualTo(NOW.plus(JwsRealtimeTokens.DEFAULT_TTL));
		TokenClaims claims = this.tokens.verify(token.token());
		assertThat(claims.channel()).isEqualTo("pipeline:run-1");
		assertThat(claims.topics()).containsExactlyInAnyOrder("status", "tokens");
		assertThat(claims.publish()).containsExactly("approval");
		assertThat(claims.issuedAt()).isEqualTo(NOW);
		assertThat(claims.expiresAt()).isEqualTo(token.expiresAt());
		assertThat(claims.id()).matches("[A-Za-z0-9_-]{22}");
	}

	@Test
	void whenTokenMintedThenHeaderAndClaimsFollowTheFormat() throws Exception {
		SignedJWT jwt = SignedJWT.parse(this.tokens.mint(TokenRequest.read("pipeline:run-1", "status")).token());
		assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.HS256);
		assertThat(jwt.getHeader().getType()).isEqualTo(new JOSEObjectType("rt+jwt"));
		assertThat(jwt.getHeader().getKeyID()).isNull();
		JWTClaimsSet claims = jwt.getJWTClaimsSet();
		assertThat(claims.getClaims()).containsOnlyKeys("jti", "iat", "nbf", "exp", "ch", "tp", "pub");
		assertThat(claims.getNotBeforeTime()).isEqualTo(Date.from(NOW));
		assertThat(claims.getStringListClaim("tp")).containsExactly("status");
		assertThat(claims.getStringListClaim("pub")).isEmpty();
	}

	@Test
	void whenRequestGrantsCancelThenTheTokenCarriesTheClaimAndVerifiesWithIt() throws Exception {
		SubscriptionToken token = this.tokens.mint(TokenRequest.read("pipeline:run-1", "status").withCancel(true));
		assertThat(token.cancel()).isTrue();
		assertThat(SignedJWT.parse(token.token()).getJWTClaimsSet().getBooleanClaim("cancel")).isTrue();
		assertThat(this.tokens.verify(token.token()).cancel()).isTrue();
		SubscriptionToken plain = this.tokens.mint(TokenRequest.read("pipeline:run-1", "status"));
		assertThat(plain.cancel()).isFalse();
		assertThat(this.tokens.verify(plain.token()).cancel()).isFalse();
	}

	@Test
	void whenTwoTokensMintedThenTheirIdsDiffer() {
		TokenRequest request = TokenRequest.read("pipeline:run-1");
		assertThat(this.tokens.verify(this.tokens.mint(request).token()).id())
			.isNotEqualTo(this.tokens.verify(this.tokens.mint(request).token()).id());
	}

	@Test
	void whenNoTopicRequestedThenTokenGrantsEveryTopic() {
		SubscriptionToken token = this.tokens.mint(TokenRequest.read("pipeline:run-1"));
		assertThat(token.topics()).containsExactlyInAnyOrder("status", "tokens", "approval");
		assertThat(this.tokens.verify(token.token()).topics()).containsExactlyInAnyOrder("status", "tokens",
				"approval");
	}

	@Test
	void whenRequestNamesTtlThenTokenExpiresAfterIt() {
		SubscriptionToken token = this.tokens
			.mint(new TokenRequest("pipeline:run-1", Set.of(), Set.of(), Duration.ofSeconds(90)));
		assertThat(token.expiresAt()).isEqualTo(NOW.plusSeconds(90));
	}

	@Test
	void whenChannelUnknownThenMintFails() {
		assertThatExceptionOfType(InvalidChannelException.class)
			.isThrownBy(() -> this.tokens.mint(TokenRequest.read("nope:run-1")));
	}

	@Test
	void whenTopicUnknownThenMintFailsNamingTheKnownTopics() {
		assertThatExceptionOfType(InvalidChannelException.class)
			.isThrownBy(() -> this.tokens.mint(TokenRequest.read("pipeline:run-1", "status", "nope")))
			.withMessageContaining("'nope'")
			.withMessageContaining("status");
	}

	@Test
	void whenPublishTopicUnknownThenMintFails() {
		assertThatExceptionOfType(InvalidChannelException.class)
			.isThrownBy(() -> this.tokens.mint(new TokenRequest("pipeline:run-1", Set.of(), Set.of("nope"), null)));
	}

	@Test
	void whenKeysHaveAnIdThenTokenNamesIt() throws Exception {
		JwsRealtimeTokens tokens = new JwsRealtimeTokens(this.catalog, this.keys.withKeyId("v2"));
		String token = tokens.mint(TokenRequest.read("pipeline:run-1")).token();
		assertThat(SignedJWT.parse(token).getHeader().getKeyID()).isEqualTo("v2");
		assertThat(tokens.verify(token).channel()).isEqualTo("pipeline:run-1");
	}

	@Test
	void whenSignedWithRsaKeyThenTokenUsesRs256AndVerifies() throws Exception {
		assertMintsAndVerifies(TokenKeys.pem(TestKeys.privatePem(TestKeys.RSA), null), JWSAlgorithm.RS256);
	}

	@Test
	void whenSignedWithEcKeyThenTokenUsesEs256AndVerifies() throws Exception {
		assertMintsAndVerifies(TokenKeys.pem(TestKeys.privatePem(TestKeys.EC), TestKeys.publicPem(TestKeys.EC)),
				JWSAlgorithm.ES256);
	}

	@Test
	void whenSignedWithRandomKeyThenTokenUsesHs256AndVerifies() throws Exception {
		assertMintsAndVerifies(TokenKeys.random(), JWSAlgorithm.HS256);
	}

	@Test
	void whenTwoRandomKeysThenTheyDoNotAcceptEachOthersTokens() {
		String token = new JwsRealtimeTokens(this.catalog, TokenKeys.random()).mint(TokenRequest.read("pipeline:run-1"))
			.token();
		JwsRealtimeTokens other = new JwsRealtimeTokens(this.catalog, TokenKeys.random());
		assertRejected(other, token, "Invalid signature");
	}

	@Test
	void whenKeyRotatedThenTokensOfThePreviousKeyStillVerify() {
		String old = new JwsRealtimeTokens(this.catalog, this.keys.withKeyId("v1"))
			.mint(TokenRequest.read("pipeline:run-1"))
			.token();
		TokenKeys rotated = TokenKeys.pem(TestKeys.privatePem(TestKeys.RSA), null)
			.withKeyId("v2")
			.withVerificationKey("v1", TestKeys.SECRET);
		JwsRealtimeTokens tokens = new JwsRealtimeTokens(this.catalog, rotated);
		assertThat(tokens.verify(old).channel()).isEqualTo("pipeline:run-1");
		assertThat(tokens.verify(tokens.mint(TokenRequest.read("pipeline:run-1")).token()).channel())
			.isEqualTo("pipeline:run-1");
	}

	@Test
	void whenTokenMissingThenVerificationFails() {
		assertRejected(this.tokens, "", "Missing token");
	}

	@Test
	void whenTokenIsGarbageThenVerificationFails() {
		assertRejected(this.tokens, "not a token", "Malformed token");
		assertRejected(this.tokens, "a.b.c", "Malformed token");
	}

	@Test
	void whenTokenIsUnsecuredThenVerificationFails() {
		String token = new PlainJWT(validClaims().build()).serialize();
		assertThat(token).endsWith(".");
		assertRejected(this.tokens, token, "Unsecured token");
	}

	@Test
	void whenTokenUsesAnotherHmacAlgorithmThenVerificationFails() throws Exception {
		byte[] secret = new byte[64];
		System.arraycopy(SECRET_BYTES, 0, secret, 0, 32);
		String token = sign(header(JWSAlgorithm.HS512).build(), validClaims().build(), new MACSigner(secret));
		assertRejected(this.tokens, token, "Unexpected algorithm");
	}

	@Test
	void whenRsaTokenSentToHmacVerifierThenVerificationFails() throws Exception {
		String token = sign(header(JWSAlgorithm.RS256).build(), validClaims().build(),
				new RSASSASigner(TestKeys.RSA.getPrivate()));
		assertRejected(this.tokens, token, "Unexpected algorithm");
	}

	@Test
	void whenHmacTokenSentToRsaVerifierThenVerificationFails() throws Exception {
		// The classic confusion attack: the RSA public key used as an HMAC secret
		JwsRealtimeTokens rsaTokens = new JwsRealtimeTokens(this.catalog,
				TokenKeys.pem(TestKeys.privatePem(TestKeys.RSA), null));
		String token = sign(header(JWSAlgorithm.HS256).build(), validClaims().build(),
				new MACSigner(TestKeys.publicPem(TestKeys.RSA).getBytes(StandardCharsets.UTF_8)));
		assertRejected(rsaTokens, token, "Unexpected algorithm");
	}

	@Test
	void whenKeyIdUnknownThenVerificationFails() throws Exception {
		String token = sign(header(JWSAlgorithm.HS256).keyID("other").build(), validClaims().build(),
				new MACSigner(SECRET_BYTES));
		assertRejected(this.tokens, token, "Unknown key id");
	}

	@Test
	void whenSignatureAlteredThenVerificationFails() {
		String token = this.tokens.mint(TokenRequest.read("pipeline:run-1")).token();
		int signature = token.lastIndexOf('.') + 10;
		assertRejected(this.tokens, flip(token, signature), "Invalid signature");
	}

	@Test
	void whenPayloadAlteredThenVerificationFails() {
		String token = this.tokens.mint(TokenRequest.read("pipeline:run-1")).token();
		int payload = token.indexOf('.') + 10;
		assertRejected(this.tokens, flip(token, payload), "Invalid signature");
	}

	@Test
	void whenSignedWithAnotherSecretThenVerificationFails() throws Exception {
		byte[] secret = SECRET_BYTES.clone();
		secret[0]++;
		String token = sign(header(JWSAlgorithm.HS256).build(), validClaims().build(), new MACSigner(secret));
		assertRejected(this.tokens, token, "Invalid signature");
	}

	@Test
	void whenTypeIsNotRealtimeTokenThenVerificationFails() throws Exception {
		String token = sign(new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).build(),
				validClaims().build(), new MACSigner(SECRET_BYTES));
		assertRejected(this.tokens, token, "Not a subscription token");
	}

	@Test
	void whenTypeMissingThenVerificationFails() throws Exception {
		String token = sign(new JWSHeader(JWSAlgorithm.HS256), validClaims().build(), new MACSigner(SECRET_BYTES));
		assertRejected(this.tokens, token, "Not a subscription token");
	}

	@Test
	void whenTokenExpiredThenVerificationFailsAsExpired() {
		String token = this.tokens.mint(TokenRequest.read("pipeline:run-1")).token();
		JwsRealtimeTokens later = tokensAt(NOW.plus(JwsRealtimeTokens.DEFAULT_TTL).plusSeconds(31));
		assertThatExceptionOfType(InvalidTokenException.class).isThrownBy(() -> later.verify(token))
			.withMessage("Token expired")
			.satisfies((ex) -> assertThat(ex.isExpired()).isTrue());
	}

	@Test
	void whenTokenExpiredWithinClockSkewThenVerificationSucceeds() {
		String token = this.tokens.mint(TokenRequest.read("pipeline:run-1")).token();
		JwsRealtimeTokens later = tokensAt(NOW.plus(JwsRealtimeTokens.DEFAULT_TTL).plusSeconds(29));
		assertThat(later.verify(token).channel()).isEqualTo("pipeline:run-1");
	}

	@Test
	void whenNotBeforeInTheFutureThenVerificationFails() throws Exception {
		JWTClaimsSet claims = validClaims().notBeforeTime(Date.from(NOW.plusSeconds(60))).build();
		InvalidTokenException ex = assertRejected(this.tokens, sign(claims), "Token not yet valid");
		assertThat(ex.isExpired()).isFalse();
	}

	@Test
	void whenIssuedInTheFutureThenVerificationFails() throws Exception {
		JWTClaimsSet claims = validClaims().issueTime(Date.from(NOW.plusSeconds(60))).build();
		assertRejected(this.tokens, sign(claims), "Token not yet valid");
	}

	@Test
	void whenNotBeforeWithinClockSkewThenVerificationSucceeds() throws Exception {
		JWTClaimsSet claims = validClaims().notBeforeTime(Date.from(NOW.plusSeconds(20))).build();
		assertThat(this.tokens.verify(sign(claims)).channel()).isEqualTo("pipeline:run-1");
	}

	@Test
	void whenLifetimeExceedsTtlPlusClockSkewThenVerificationFails() throws Exception {
		// signed with the real key: a leaked key must not mint tokens valid for centuries
		JWTClaimsSet claims = validClaims().expirationTime(Date.from(Instant.parse("5000-01-01T00:00:00Z"))).build();
		assertRejected(this.tokens, sign(claims), "Token lifetime too long");
		JWTClaimsSet justOver = validClaims()
			.expirationTime(Date.from(NOW.plus(JwsRealtimeTokens.DEFAULT_TTL).plusSeconds(31)))
			.build();
		assertRejected(this.tokens, sign(justOver), "Token lifetime too long");
	}

	@Test
	void whenLifetimeWithinTtlPlusClockSkewThenVerificationSucceeds() throws Exception {
		JWTClaimsSet claims = validClaims()
			.expirationTime(Date.from(NOW.plus(JwsRealtimeTokens.DEFAULT_TTL).plusSeconds(30)))
			.build();
		assertThat(this.tokens.verify(sign(claims)).channel()).isEqualTo("pipeline:run-1");
	}

	@Test
	void whenIssuedLongAgoThenLifetimeCountsFromIssueTime() throws Exception {
		JWTClaimsSet claims = validClaims().issueTime(Date.from(NOW.minus(Duration.ofDays(365)))).build();
		assertRejected(this.tokens, sign(claims), "Token lifetime too long");
	}

	@Test
	void whenIssueTimeMissingThenVerificationFails() throws Exception {
		assertRejected(this.tokens, sign(validClaims().issueTime(null).build()), "Missing claims");
	}

	@Test
	void whenMaxTtlIsLongerThenRequestsMayAskForLongerTokensUpToIt() {
		JwsRealtimeTokens tokens = new JwsRealtimeTokens(this.catalog, this.keys, JwsRealtimeTokens.DEFAULT_TTL,
				Duration.ofHours(1), JwsRealtimeTokens.DEFAULT_CLOCK_SKEW, Clock.fixed(NOW, ZoneOffset.UTC));
		SubscriptionToken token = tokens
			.mint(new TokenRequest("pipeline:run-1", Set.of(), Set.of(), Duration.ofHours(1)));
		assertThat(tokens.verify(token.token()).expiresAt()).isEqualTo(NOW.plus(Duration.ofHours(1)));
		assertRejected(this.tokens, token.token(), "Token lifetime too long");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> tokens.mint(new TokenRequest("pipeline:run-1", Set.of(), Set.of(), Duration.ofHours(2))))
			.withMessageContaining("realtime.token.max-ttl");
	}

	@Test
	void whenRequestAsksForMoreThanTheMaximumThenMintFails() {
		assertThatIllegalArgumentException().isThrownBy(
				() -> this.tokens.mint(new TokenRequest("pipeline:run-1", Set.of(), Set.of(), Duration.ofMinutes(6))))
			.withMessageContaining("realtime.token.max-ttl");
	}

	@Test
	void whenClaimMissingThenVerificationFails() throws Exception {
		for (String claim : List.of("jti", "iat", "nbf", "exp", "ch", "tp", "pub")) {
			JWTClaimsSet claims = validClaims().claim(claim, null).build();
			assertRejected(this.tokens, sign(claims), "Missing claims");
		}
	}

	@Test
	void whenClaimHasWrongTypeThenVerificationFails() throws Exception {
		assertRejected(this.tokens, sign(validClaims().claim("tp", "status").build()), "Malformed claims");
		assertRejected(this.tokens, sign(validClaims().claim("ch", List.of("pipeline:run-1")).build()),
				"Malformed claims");
	}

	@Test
	void whenPayloadIsNotJsonClaimsThenVerificationFails() throws Exception {
		JWSObject jws = new JWSObject(header(JWSAlgorithm.HS256).build(), new Payload("hello"));
		jws.sign(new MACSigner(SECRET_BYTES));
		assertRejected(this.tokens, jws.serialize(), "Malformed claims");
	}

	@Test
	void whenTokenGrantsNoTopicThenVerificationFails() throws Exception {
		assertRejected(this.tokens, sign(validClaims().claim("tp", List.of()).build()), "Token grants no topic");
	}

	@Test
	void whenChannelUnknownThenVerificationFails() throws Exception {
		assertRejected(this.tokens, sign(validClaims().claim("ch", "nope:run-1").build()), "Unknown channel");
	}

	@Test
	void whenTopicUnknownThenVerificationFails() throws Exception {
		assertRejected(this.tokens, sign(validClaims().claim("tp", List.of("status", "nope")).build()),
				"Unknown topic");
	}

	@Test
	void whenPublishTopicUnknownThenVerificationFails() throws Exception {
		assertRejected(this.tokens, sign(validClaims().claim("pub", List.of("nope")).build()), "Unknown topic");
	}

	@Test
	void whenTokenTooLongThenVerificationFailsWithoutParsing() {
		assertRejected(this.tokens, "a".repeat(10_000), "Malformed token");
	}

	private void assertMintsAndVerifies(TokenKeys keys, JWSAlgorithm algorithm) throws Exception {
		JwsRealtimeTokens tokens = new JwsRealtimeTokens(this.catalog, keys);
		String token = tokens.mint(TokenRequest.read("pipeline:run-1", "status")).token();
		assertThat(SignedJWT.parse(token).getHeader().getAlgorithm()).isEqualTo(algorithm);
		assertThat(tokens.verify(token).topics()).containsExactly("status");
	}

	private JwsRealtimeTokens tokensAt(Instant now) {
		return new JwsRealtimeTokens(this.catalog, this.keys, JwsRealtimeTokens.DEFAULT_TTL,
				JwsRealtimeTokens.DEFAULT_CLOCK_SKEW, Clock.fixed(now, ZoneOffset.UTC));
	}

	private static InvalidTokenException assertRejected(JwsRealtimeTokens tokens, String token, String reason) {
		InvalidTokenException ex = catchThrowableOfType(InvalidTokenException.class, () -> tokens.verify(token));
		assertThat(ex).hasMessage(reason);
		return ex;
	}

	private static JWTClaimsSet.Builder validClaims() {
		return new JWTClaimsSet.Builder().jwtID("id-1")
			.issueTime(Date.from(NOW))
			.notBeforeTime(Date.from(NOW))
			.expirationTime(Date.from(NOW.plusSeconds(300)))
			.claim("ch", "pipeline:run-1")
			.claim("tp", List.of("status"))
			.claim("pub", List.of());
	}

	private static JWSHeader.Builder header(JWSAlgorithm algorithm) {
		return new JWSHeader.Builder(algorithm).type(JwsRealtimeTokens.TOKEN_TYPE);
	}

	private static String sign(JWTClaimsSet claims) throws JOSEException {
		return sign(header(JWSAlgorithm.HS256).build(), claims, new MACSigner(SECRET_BYTES));
	}

	private static String sign(JWSHeader header, JWTClaimsSet claims, JWSSigner signer) throws JOSEException {
		SignedJWT jwt = new SignedJWT(header, claims);
		jwt.sign(signer);
		return jwt.serialize();
	}

	private static String flip(String token, int index) {
		char c = token.charAt(index);
		char replacement = (c == 'A') ? 'B' : 'A';
		return token.substring(0, index) + replacement + token.substring(index + 1);
	}

	@RealtimeChannel("pipeline:{runId}")
	interface Pipeline {

		Topic<String> status();

		Topic<String> tokens();

		Topic<Boolean> approval();

	}

}
