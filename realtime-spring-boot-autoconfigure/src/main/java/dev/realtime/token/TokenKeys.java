package dev.realtime.token;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.ssl.pem.PemContent;
import org.springframework.util.Assert;

/**
 * The keys that sign and verify subscription tokens: one signing key (HS256 from a shared
 * secret, RS256 or ES256 from a PEM key pair, or a random per-process HS256 key) and, for
 * key rotation, any number of verification-only keys identified by their key id.
 * <p>
 * A secret is given either as {@code base64:} followed by the standard Base64 encoding of
 * random bytes (recommended; generate one with {@code openssl rand -base64 32}), or as
 * raw text whose UTF-8 bytes are the key. Either way it must have at least 256 bits (32
 * bytes).
 * <p>
 * To rotate keys, give the new signing key a key id ({@link #withKeyId(String)}) and keep
 * the previous key as a verification key under the id it was signing with
 * ({@link #withVerificationKey(String, String)}) until the tokens it signed have expired.
 * A token without a key id is checked against the signing key only.
 * <p>
 * Instances are immutable and thread-safe; their signers and verifiers are built once.
 *
 * @author Realtime team
 * @since 0.1.0
 */
public final class TokenKeys {

	/**
	 * Name of the property holding the HS256 secret, used in error messages.
	 */
	public static final String SECRET_PROPERTY = "realtime.token.secret";

	/**
	 * Name of the property holding the PEM private key, used in error messages.
	 */
	public static final String PRIVATE_KEY_PROPERTY = "realtime.token.private-key";

	/**
	 * Name of the property holding the PEM public key, used in error messages.
	 */
	public static final String PUBLIC_KEY_PROPERTY = "realtime.token.public-key";

	private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}:]*)[^}]*}");

	private static final String BASE64_PREFIX = "base64:";

	private static final int MIN_SECRET_BYTES = 32;

	private static final int MIN_RSA_BITS = 2048;

	private static final SecureRandom RANDOM = new SecureRandom();

	private final JWSSigner signer;

	private final VerificationKey signingKey;

	private final Map<String, VerificationKey> verificationKeys;

	private TokenKeys(JWSSigner signer, VerificationKey signingKey, Map<String, VerificationKey> verificationKeys) {
		this.signer = signer;
		this.signingKey = signingKey;
		this.verificationKeys = verificationKeys;
	}

	/**
	 * Create HS256 keys from a shared secret.
	 * @param secret {@code base64:} followed by Base64 text, or raw text; at least 256
	 * bits either way
	 * @return the keys
	 * @throws IllegalStateException if the secret is too short, not valid Base64 or still
	 * holds an unresolved {@code ${…}} placeholder
	 */
	public static TokenKeys secret(String secret) {
		Assert.notNull(secret, "'secret' must not be null");
		checkResolved(secret, SECRET_PROPERTY);
		return hmac(secretBytes(secret, SECRET_PROPERTY));
	}

	/**
	 * Create a random HS256 key for this process only. Tokens it signs are not accepted
	 * by other nodes or after a restart, so callers should warn that several nodes need a
	 * shared key.
	 * @return the keys
	 */
	public static TokenKeys random() {
		byte[] secret = new byte[MIN_SECRET_BYTES];
		RANDOM.nextBytes(secret);
		return hmac(secret);
	}

	/**
	 * Create RS256 or ES256 keys from PEM text. The algorithm follows the key type: RSA
	 * keys (at least 2048 bits) sign with RS256, EC keys on the P-256 curve with ES256.
	 * @param privateKeyPem a PKCS#8 ({@code -----BEGIN PRIVATE KEY-----}), PKCS#1
	 * ({@code -----BEGIN RSA PRIVATE KEY-----}) or SEC 1
	 * ({@code -----BEGIN EC PRIVATE KEY-----}) private key, read with Spring Boot's
	 * {@link PemContent}
	 * @param publicKeyPem an X.509 public key ({@code -----BEGIN PUBLIC KEY-----}), or
	 * {@code null} to derive it from an RSA private key; EC keys need it
	 * @return the keys
	 * @throws IllegalStateException if a key cannot be read, is not supported, still
	 * holds an unresolved {@code ${…}} placeholder, or the two keys do not belong
	 * together
	 */
	public static TokenKeys pem(String privateKeyPem, @Nullable String publicKeyPem) {
		Assert.notNull(privateKeyPem, "'privateKeyPem' must not be null");
		checkResolved(privateKeyPem, PRIVATE_KEY_PROPERTY);
		if (publicKeyPem != null) {
			checkResolved(publicKeyPem, PUBLIC_KEY_PROPERTY);
		}
		PrivateKey privateKey = readPrivateKey(privateKeyPem);
		PublicKey publicKey = (publicKeyPem != null) ? readPublicKey(publicKeyPem, "The public key")
				: derivePublicKey(privateKey);
		try {
			JWSSigner signer;
			VerificationKey key;
			if (privateKey instanceof RSAPrivateKey rsa && publicKey instanceof RSAPublicKey) {
				key = verificationKey(null, publicKey, "The public key");
				signer = new RSASSASigner(rsa);
			}
			else if (privateKey instanceof ECPrivateKey ec && publicKey instanceof ECPublicKey) {
				key = verificationKey(null, publicKey, "The public key");
				signer = new ECDSASigner(ec);
			}
			else {
				throw new IllegalStateException("The public key is not of the same type as the private key");
			}
			checkPair(signer, key);
			return new TokenKeys(signer, key, Map.of());
		}
		catch (JOSEException ex) {
			throw new IllegalStateException("The private key cannot sign tokens: " + ex.getMessage(), ex);
		}
	}

	/**
	 * Return a copy of these keys whose signing key has the given id. Tokens then name it
	 * in their {@code kid} header, which lets other nodes pick the right key while keys
	 * are rotated.
	 * @param keyId the key id
	 * @return the new keys
	 */
	public TokenKeys withKeyId(String keyId) {
		Assert.hasText(keyId, "'keyId' must not be empty");
		Assert.isTrue(!this.verificationKeys.containsKey(keyId),
				() -> "Key id '" + keyId + "' is already used by a verification key");
		VerificationKey key = new VerificationKey(keyId, this.signingKey.algorithm(), this.signingKey.verifier());
		return new TokenKeys(this.signer, key, this.verificationKeys);
	}

	/**
	 * Return a copy of these keys that also accepts tokens signed by a previous key, for
	 * key rotation. The key's algorithm follows its type, as for {@link #secret(String)}
	 * and {@link #pem(String, String)}.
	 * @param keyId the id the previous key signed with
	 * @param key a secret ({@code base64:} or raw text) or an X.509 public key in PEM
	 * @return the new keys
	 * @throws IllegalStateException if the key cannot be read or is not supported
	 */
	public TokenKeys withVerificationKey(String keyId, String key) {
		Assert.hasText(keyId, "'keyId' must not be empty");
		Assert.notNull(key, "'key' must not be null");
		Assert.isTrue(!keyId.equals(this.signingKey.id()),
				() -> "Key id '" + keyId + "' is already used by the signing key");
		String source = "Verification key '" + keyId + "'";
		checkResolved(key, source);
		VerificationKey verificationKey;
		try {
			verificationKey = key.contains("-----BEGIN") ? verificationKey(keyId, readPublicKey(key, source), source)
					: new VerificationKey(keyId, JWSAlgorithm.HS256, new MACVerifier(secretBytes(key, source)));
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(source + " cannot verify tokens: " + ex.getMessage(), ex);
		}
		Map<String, VerificationKey> keys = new LinkedHashMap<>(this.verificationKeys);
		keys.put(keyId, verificationKey);
		return new TokenKeys(this.signer, this.signingKey, Collections.unmodifiableMap(keys));
	}

	/**
	 * Return the JWS algorithm of the signing key.
	 * @return the algorithm name, for example {@code HS256}
	 */
	public String algorithm() {
		return this.signingKey.algorithm().getName();
	}

	/**
	 * Return the id of the signing key.
	 * @return the key id, or {@code null} when none was given
	 */
	public @Nullable String keyId() {
		return this.signingKey.id();
	}

	JWSSigner signer() {
		return this.signer;
	}

	VerificationKey signingKey() {
		return this.signingKey;
	}

	/**
	 * Return the key that may verify a token, chosen by the token's key id and never by
	 * its algorithm header.
	 * @param keyId the {@code kid} header of the token, or {@code null}
	 * @return the key, or {@code null} if no key has that id
	 */
	@Nullable VerificationKey verificationKey(@Nullable String keyId) {
		if (keyId == null || keyId.equals(this.signingKey.id())) {
			return this.signingKey;
		}
		return this.verificationKeys.get(keyId);
	}

	@Override
	public String toString() {
		// Never show key material
		return "TokenKeys[" + algorithm() + ", kid=" + keyId() + ", verification keys=" + this.verificationKeys.keySet()
				+ "]";
	}

	private static TokenKeys hmac(byte[] secret) {
		try {
			return new TokenKeys(new MACSigner(secret),
					new VerificationKey(null, JWSAlgorithm.HS256, new MACVerifier(secret)), Map.of());
		}
		catch (JOSEException ex) {
			throw new IllegalStateException("Cannot use the secret for HS256: " + ex.getMessage(), ex);
		}
	}

	private static byte[] secretBytes(String secret, String source) {
		byte[] bytes;
		if (secret.startsWith(BASE64_PREFIX)) {
			try {
				bytes = Base64.getDecoder().decode(secret.substring(BASE64_PREFIX.length()).trim());
			}
			catch (IllegalArgumentException ex) {
				throw new IllegalStateException(source + " starts with '" + BASE64_PREFIX
						+ "' but the rest is not valid Base64; generate a secret with 'openssl rand -base64 32'");
			}
		}
		else {
			bytes = secret.getBytes(StandardCharsets.UTF_8);
		}
		if (bytes.length < MIN_SECRET_BYTES) {
			throw new IllegalStateException(source + " has " + bytes.length + " bytes, needs at least "
					+ MIN_SECRET_BYTES + " (256 bits) for HS256; generate one with 'openssl rand -base64 32' and set "
					+ SECRET_PROPERTY + "=base64:<the output>");
		}
		return bytes;
	}

	/**
	 * Refuse key material that still holds a {@code ${…}} placeholder: Boot leaves a
	 * placeholder whose variable is unset as it is, and the literal text would otherwise
	 * become a publicly known signing key.
	 * @param value the configured value
	 * @param source the property or key it comes from
	 */
	private static void checkResolved(String value, String source) {
		Matcher placeholder = PLACEHOLDER.matcher(value);
		if (placeholder.find()) {
			String variable = placeholder.group(1).trim();
			throw new IllegalStateException(source + " holds the unresolved placeholder '" + placeholder.group()
					+ "': set the environment variable or property '" + variable
					+ "' (or replace the placeholder with the key itself)");
		}
	}

	private static PrivateKey readPrivateKey(String pem) {
		if (!PemContent.isPresentInText(pem)) {
			throw new IllegalStateException("The private key must be PEM text: PKCS#8 ('-----BEGIN PRIVATE KEY-----'), "
					+ "PKCS#1 ('-----BEGIN RSA PRIVATE KEY-----') or SEC 1 ('-----BEGIN EC PRIVATE KEY-----')");
		}
		PrivateKey key;
		try {
			PemContent content = PemContent.of(pem);
			key = (content != null) ? content.getPrivateKey() : null;
		}
		catch (RuntimeException ex) {
			throw new IllegalStateException("The private key cannot be read: " + ex.getMessage(), ex);
		}
		if (!(key instanceof RSAPrivateKey) && !(key instanceof ECPrivateKey)) {
			throw new IllegalStateException("The private key is neither an RSA nor an EC key");
		}
		return key;
	}

	private static PublicKey readPublicKey(String pem, String source) {
		X509EncodedKeySpec spec = new X509EncodedKeySpec(pemContent(pem, "PUBLIC KEY", source));
		for (String algorithm : new String[] { "RSA", "EC" }) {
			try {
				return KeyFactory.getInstance(algorithm).generatePublic(spec);
			}
			catch (GeneralSecurityException ex) {
				// Try the next key type
			}
		}
		throw new IllegalStateException(source + " is neither an RSA nor an EC public key");
	}

	private static PublicKey derivePublicKey(PrivateKey privateKey) {
		if (!(privateKey instanceof RSAPrivateCrtKey rsa)) {
			throw new IllegalStateException("The public key of an EC private key cannot be derived: configure it too");
		}
		try {
			return KeyFactory.getInstance("RSA")
				.generatePublic(new RSAPublicKeySpec(rsa.getModulus(), rsa.getPublicExponent()));
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("Cannot derive the public key from the private key", ex);
		}
	}

	private static byte[] pemContent(String pem, String label, String source) {
		String begin = "-----BEGIN " + label + "-----";
		String end = "-----END " + label + "-----";
		int start = pem.indexOf(begin);
		int stop = pem.indexOf(end);
		if (start < 0 || stop < start) {
			throw new IllegalStateException(source + " must be PEM text starting with '" + begin + "'");
		}
		try {
			return Base64.getMimeDecoder().decode(pem.substring(start + begin.length(), stop));
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalStateException(source + " is not valid PEM text");
		}
	}

	private static VerificationKey verificationKey(@Nullable String keyId, PublicKey publicKey, String source)
			throws JOSEException {
		if (publicKey instanceof RSAPublicKey rsa) {
			if (rsa.getModulus().bitLength() < MIN_RSA_BITS) {
				throw new IllegalStateException(source + " is an RSA key of " + rsa.getModulus().bitLength()
						+ " bits; RS256 needs at least " + MIN_RSA_BITS);
			}
			return new VerificationKey(keyId, JWSAlgorithm.RS256, new RSASSAVerifier(rsa));
		}
		ECPublicKey ec = (ECPublicKey) publicKey;
		if (!Curve.P_256.equals(Curve.forECParameterSpec(ec.getParams()))) {
			throw new IllegalStateException(source + " is an EC key on another curve than P-256, which ES256 needs");
		}
		return new VerificationKey(keyId, JWSAlgorithm.ES256, new ECDSAVerifier(ec));
	}

	private static void checkPair(JWSSigner signer, VerificationKey key) throws JOSEException {
		// A mismatched pair would otherwise only show when the first token is rejected
		JWSObject probe = new JWSObject(new JWSHeader(key.algorithm()), new Payload("probe"));
		probe.sign(signer);
		if (!probe.verify(key.verifier())) {
			throw new IllegalStateException("The public key does not belong to the private key");
		}
	}

	/**
	 * A key that verifies tokens, with the only algorithm it accepts.
	 *
	 * @param id the key id, or {@code null} for a signing key without one
	 * @param algorithm the algorithm the key accepts
	 * @param verifier the verifier, built once
	 */
	record VerificationKey(@Nullable String id, JWSAlgorithm algorithm, JWSVerifier verifier) {

	}

}
