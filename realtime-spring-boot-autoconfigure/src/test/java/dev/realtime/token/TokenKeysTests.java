package dev.realtime.token;

import java.security.KeyPair;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for {@link TokenKeys}.
 *
 * @author Realtime team
 */
class TokenKeysTests {

	@Test
	void whenSecretIsBase64ThenKeysUseHs256() {
		TokenKeys keys = TokenKeys.secret(TestKeys.SECRET);
		assertThat(keys.algorithm()).isEqualTo("HS256");
		assertThat(keys.keyId()).isNull();
	}

	@Test
	void whenSecretIsLongRawTextThenItIsAccepted() {
		assertThat(TokenKeys.secret("0123456789abcdef0123456789abcdef").algorithm()).isEqualTo("HS256");
	}

	@Test
	void whenSecretIsShorterThan256BitsThenItIsRejectedWithAdvice() {
		assertThatIllegalStateException().isThrownBy(() -> TokenKeys.secret("change-me"))
			.withMessageContaining("realtime.token.secret")
			.withMessageContaining("256 bits")
			.withMessageContaining("openssl rand -base64 32")
			.withMessageNotContaining("change-me");
	}

	@Test
	void whenBase64SecretIsShorterThan256BitsThenItIsRejected() {
		assertThatIllegalStateException().isThrownBy(() -> TokenKeys.secret("base64:AAECAwQFBgcICQoLDA0ODw=="))
			.withMessageContaining("realtime.token.secret")
			.withMessageContaining("has 16 bytes, needs at least 32");
	}

	@Test
	void whenSecretIsShortThenMessageCountsBytes() {
		assertThatIllegalStateException().isThrownBy(() -> TokenKeys.secret("short"))
			.withMessageContaining("realtime.token.secret has 5 bytes, needs at least 32");
	}

	@Test
	void whenSecretHoldsAnUnresolvedPlaceholderThenItIsRejectedNamingTheVariable() {
		// long enough to pass as a 32-byte key: it must be refused all the same
		assertThatIllegalStateException()
			.isThrownBy(() -> TokenKeys.secret("${REALTIME_TOKEN_SECRET_OF_THE_PRODUCTION_CLUSTER}"))
			.withMessageContaining("realtime.token.secret")
			.withMessageContaining("'REALTIME_TOKEN_SECRET_OF_THE_PRODUCTION_CLUSTER'");
	}

	@Test
	void whenSecretEmbedsAnUnresolvedPlaceholderThenItIsRejected() {
		assertThatIllegalStateException()
			.isThrownBy(() -> TokenKeys.secret("base64:${REALTIME_TOKEN_SECRET:}0123456789abcdef0123456789abcdef"))
			.withMessageContaining("realtime.token.secret")
			.withMessageContaining("'REALTIME_TOKEN_SECRET'");
	}

	@Test
	void whenPrivateKeyHoldsAnUnresolvedPlaceholderThenItIsRejectedNamingTheVariable() {
		assertThatIllegalStateException().isThrownBy(() -> TokenKeys.pem("${REALTIME_PRIVATE_KEY}", null))
			.withMessageContaining("realtime.token.private-key")
			.withMessageContaining("'REALTIME_PRIVATE_KEY'");
	}

	@Test
	void whenPublicKeyHoldsAnUnresolvedPlaceholderThenItIsRejectedNamingTheVariable() {
		assertThatIllegalStateException()
			.isThrownBy(() -> TokenKeys.pem(TestKeys.privatePem(TestKeys.RSA), "${REALTIME_PUBLIC_KEY}"))
			.withMessageContaining("realtime.token.public-key")
			.withMessageContaining("'REALTIME_PUBLIC_KEY'");
	}

	@Test
	void whenBase64SecretIsInvalidThenItIsRejected() {
		assertThatIllegalStateException().isThrownBy(() -> TokenKeys.secret("base64:not base64!"))
			.withMessageContaining("realtime.token.secret")
			.withMessageContaining("not valid Base64");
	}

	@Test
	void whenRandomThenKeysUseHs256() {
		assertThat(TokenKeys.random().algorithm()).isEqualTo("HS256");
	}

	@Test
	void whenRsaPairGivenThenKeysUseRs256() {
		TokenKeys keys = TokenKeys.pem(TestKeys.privatePem(TestKeys.RSA), TestKeys.publicPem(TestKeys.RSA));
		assertThat(keys.algorithm()).isEqualTo("RS256");
	}

	@Test
	void whenOnlyRsaPrivateKeyGivenThenPublicKeyIsDerived() {
		assertThat(TokenKeys.pem(TestKeys.privatePem(TestKeys.RSA), null).algorithm()).isEqualTo("RS256");
	}

	@Test
	void whenEcPairGivenThenKeysUseEs256() {
		TokenKeys keys = TokenKeys.pem(TestKeys.privatePem(TestKeys.EC), TestKeys.publicPem(TestKeys.EC));
		assertThat(keys.algorithm()).isEqualTo("ES256");
	}

	@Test
	void whenOnlyEcPrivateKeyGivenThenItIsRejected() {
		assertThatIllegalStateException().isThrownBy(() -> TokenKeys.pem(TestKeys.privatePem(TestKeys.EC), null))
			.withMessageContaining("cannot be derived");
	}

	@Test
	void whenPublicKeyBelongsToAnotherPrivateKeyThenItIsRejected() {
		KeyPair other = TestKeys.generate("RSA", 2048);
		assertThatIllegalStateException()
			.isThrownBy(() -> TokenKeys.pem(TestKeys.privatePem(TestKeys.RSA), TestKeys.publicPem(other)))
			.withMessage("The public key does not belong to the private key");
	}

	@Test
	void whenKeyTypesDifferThenItIsRejected() {
		assertThatIllegalStateException()
			.isThrownBy(() -> TokenKeys.pem(TestKeys.privatePem(TestKeys.RSA), TestKeys.publicPem(TestKeys.EC)))
			.withMessageContaining("not of the same type");
	}

	@Test
	void whenRsaKeyIsTooSmallThenItIsRejected() {
		KeyPair small = TestKeys.generate("RSA", 1024);
		assertThatIllegalStateException().isThrownBy(() -> TokenKeys.pem(TestKeys.privatePem(small), null))
			.withMessageContaining("at least 2048");
	}

	@Test
	void whenEcKeyIsNotOnP256ThenItIsRejected() {
		KeyPair p384 = TestKeys.generateEc("secp384r1");
		assertThatIllegalStateException()
			.isThrownBy(() -> TokenKeys.pem(TestKeys.privatePem(p384), TestKeys.publicPem(p384)))
			.withMessageContaining("P-256");
	}

	@Test
	void whenPrivateKeyIsPkcs1ThenKeysUseRs256AndVerifyWithThePublicKey() {
		TokenKeys keys = TokenKeys.pem(TestKeys.pkcs1Pem(TestKeys.RSA), TestKeys.publicPem(TestKeys.RSA));
		assertThat(keys.algorithm()).isEqualTo("RS256");
	}

	@Test
	void whenPrivateKeyIsNotPemThenItIsRejectedNamingTheFormats() {
		assertThatIllegalStateException().isThrownBy(() -> TokenKeys.pem("MIIEvQIBADANBgkqhkiG9w0BAQEFAASC", null))
			.withMessage("The private key must be PEM text: PKCS#8 ('-----BEGIN PRIVATE KEY-----'), PKCS#1 "
					+ "('-----BEGIN RSA PRIVATE KEY-----') or SEC 1 ('-----BEGIN EC PRIVATE KEY-----')");
	}

	@Test
	void whenPrivateKeyIsGarbageThenItIsRejected() {
		String garbage = TestKeys.pem("PRIVATE KEY", new byte[] { 1, 2, 3 });
		assertThatIllegalStateException().isThrownBy(() -> TokenKeys.pem(garbage, null))
			.withMessageStartingWith("The private key cannot be read: ");
	}

	@Test
	void whenKeyIdGivenThenKeysNameIt() {
		assertThat(TokenKeys.secret(TestKeys.SECRET).withKeyId("v2").keyId()).isEqualTo("v2");
	}

	@Test
	void whenVerificationKeyReusesTheSigningKeyIdThenItIsRejected() {
		TokenKeys keys = TokenKeys.random().withKeyId("v1");
		assertThatIllegalArgumentException().isThrownBy(() -> keys.withVerificationKey("v1", TestKeys.SECRET));
	}

	@Test
	void whenVerificationKeyIsPublicKeyThenItKeepsItsOwnAlgorithm() {
		TokenKeys keys = TokenKeys.random().withVerificationKey("old", TestKeys.publicPem(TestKeys.EC));
		TokenKeys.VerificationKey key = keys.verificationKey("old");
		assertThat(key).isNotNull();
		assertThat(key.algorithm().getName()).isEqualTo("ES256");
		assertThat(keys.verificationKey("unknown")).isNull();
	}

	@Test
	void whenVerificationSecretIsShortThenItIsRejectedNamingTheKey() {
		assertThatIllegalStateException().isThrownBy(() -> TokenKeys.random().withVerificationKey("old", "too-short"))
			.withMessageContaining("Verification key 'old'");
	}

	@Test
	void whenPrintedThenKeyMaterialIsNotShown() {
		String secret = "0123456789abcdef0123456789abcdef";
		assertThat(TokenKeys.secret(secret).withKeyId("v1"))
			.hasToString("TokenKeys[HS256, kid=v1, verification keys=[]]");
	}

}
