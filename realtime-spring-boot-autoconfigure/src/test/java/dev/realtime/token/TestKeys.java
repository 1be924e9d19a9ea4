package dev.realtime.token;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;

/**
 * Key pairs and their PEM text for tests, generated once per test run.
 *
 * @author Realtime team
 */
final class TestKeys {

	static final String SECRET = "base64:" + Base64.getEncoder()
		.encodeToString(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23,
				24, 25, 26, 27, 28, 29, 30, 31, 32 });

	static final KeyPair RSA = generate("RSA", 2048);

	static final KeyPair EC = generateEc("secp256r1");

	private TestKeys() {
	}

	static KeyPair generate(String algorithm, int size) {
		try {
			KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
			generator.initialize(size);
			return generator.generateKeyPair();
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	static KeyPair generateEc(String curve) {
		try {
			KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
			generator.initialize(new ECGenParameterSpec(curve));
			return generator.generateKeyPair();
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	static String privatePem(KeyPair pair) {
		return pem("PRIVATE KEY", pair.getPrivate().getEncoded());
	}

	static String publicPem(KeyPair pair) {
		return pem("PUBLIC KEY", pair.getPublic().getEncoded());
	}

	static String pem(String label, byte[] der) {
		String body = Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der);
		return "-----BEGIN " + label + "-----\n" + body + "\n-----END " + label + "-----\n";
	}

}
