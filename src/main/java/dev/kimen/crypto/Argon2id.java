package dev.kimen.crypto;

import java.util.Arrays;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Argon2id (RFC 9106, version 0x13): through libargon2 when the system has it ({@link LibArgon2}),
 * else BouncyCastle's pure Java. Both give the same bytes; {@code -Dkimen.argon2=java} forces Java.
 */
public final class Argon2id {
    static final String IMPLEMENTATION_PROPERTY = "kimen.argon2";

    private Argon2id() {}

    /** Derives {@code length} bytes from the password and salt. */
    public static byte[] derive(SecretBytes password, byte[] salt, KdfParams params, int length) {
        return derive(password, salt, null, null, params, length);
    }

    /** The full form with the optional secret and associated data of RFC 9106 §3.1. */
    public static byte[] derive(SecretBytes password, byte[] salt, byte[] secret, byte[] associatedData,
                                KdfParams params, int length) {
        return derive(usesNative(), password, salt, secret, associatedData, params, length);
    }

    /** Whether libargon2 was found and can be called, whatever the property says. */
    public static boolean nativeAvailable() {
        return LibArgon2.available();
    }

    /** Whether {@link #derive} goes to libargon2 now. */
    static boolean usesNative() {
        return !"java".equals(System.getProperty(IMPLEMENTATION_PROPERTY)) && LibArgon2.available();
    }

    /** The seam for tests: {@code inNative} picks libargon2 (which must be available) or BouncyCastle. */
    static byte[] derive(boolean inNative, SecretBytes password, byte[] salt, byte[] secret, byte[] associatedData,
                         KdfParams params, int length) {
        byte[] pw = password.reveal();
        try {
            return inNative
                    ? LibArgon2.derive(pw, salt, secret, associatedData, params, length)
                    : bouncyCastle(pw, salt, secret, associatedData, params, length);
        } finally {
            Arrays.fill(pw, (byte) 0);
        }
    }

    private static byte[] bouncyCastle(byte[] pw, byte[] salt, byte[] secret, byte[] associatedData,
                                       KdfParams params, int length) {
        var builder = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(params.memoryKib())
                .withIterations(params.passes())
                .withParallelism(params.parallelism())
                .withSalt(salt);
        if (secret != null) {
            builder.withSecret(secret);
        }
        if (associatedData != null) {
            builder.withAdditional(associatedData);
        }
        var generator = new Argon2BytesGenerator();
        generator.init(builder.build());
        byte[] out = new byte[length];
        generator.generateBytes(pw, out);
        return out;
    }
}
