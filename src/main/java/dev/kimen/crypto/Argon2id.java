package dev.kimen.crypto;

import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/** Argon2id (RFC 9106, version 0x13) through BouncyCastle. */
public final class Argon2id {
    private Argon2id() {}

    /** Derives {@code length} bytes from the password and salt. */
    public static byte[] derive(SecretBytes password, byte[] salt, KdfParams params, int length) {
        return derive(password, salt, null, null, params, length);
    }

    /** The full form with the optional secret and associated data of RFC 9106 §3.1. */
    public static byte[] derive(SecretBytes password, byte[] salt, byte[] secret, byte[] associatedData,
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
        byte[] pw = password.reveal();
        try {
            generator.generateBytes(pw, out);
        } finally {
            java.util.Arrays.fill(pw, (byte) 0);
        }
        return out;
    }
}
