package dev.realtime.token;

import java.nio.ByteBuffer;
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

	/**
	 * Return an RSA private key as PKCS#1 PEM ({@code RSA PRIVATE KEY}), as
	 * {@code openssl genrsa} writes it: the key that PKCS#8 wraps in its last OCTET
	 * STRING.
	 * @param pair an RSA key pair
	 * @return the PEM text
	 */
	static String pkcs1Pem(KeyPair pair) {
		ByteBuffer der = ByteBuffer.wrap(pair.getPrivate().getEncoded());
		length(der, 0x30);
		skip(der, 0x02);
		skip(der, 0x30);
		byte[] pkcs1 = new byte[length(der, 0x04)];
		der.get(pkcs1);
		return pem("RSA PRIVATE KEY", pkcs1);
	}

	private static void skip(ByteBuffer der, int tag) {
		int length = length(der, tag);
		der.position(der.position() + length);
	}

	// Read a DER tag and length, leaving the buffer at the value
	private static int length(ByteBuffer der, int tag) {
		if ((der.get() & 0xff) != tag) {
			throw new IllegalArgumentException("Unexpected DER tag");
		}
		int first = der.get() & 0xff;
		if (first < 0x80) {
			return first;
		}
		int length = 0;
		for (int i = 0; i < (first & 0x7f); i++) {
			length = (length << 8) | (der.get() & 0xff);
		}
		return length;
	}

	static String publicPem(KeyPair pair) {
		return pem("PUBLIC KEY", pair.getPublic().getEncoded());
	}

	static String pem(String label, byte[] der) {
		String body = Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der);
		return "-----BEGIN " + label + "-----\n" + body + "\n-----END " + label + "-----\n";
	}

}
