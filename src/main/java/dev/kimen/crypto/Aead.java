package dev.kimen.crypto;

import java.security.SecureRandom;
import java.util.Optional;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.modes.XChaCha20Poly1305;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;

/** XChaCha20-Poly1305 (draft-irtf-cfrg-xchacha): 32-byte key, 24-byte nonce, 16-byte tag. */
public final class Aead {
    public static final int KEY_BYTES = 32;
    public static final int NONCE_BYTES = 24;
    public static final int TAG_BYTES = 16;

    /**
     * Made when a write first needs it: a SecureRandom loads the JDK's security providers, some
     * 15 ms of a cold start that a read (every {@code run}) does not need.
     */
    private static final class Random {
        static final SecureRandom INSTANCE = new SecureRandom();
    }

    private Aead() {}

    public static byte[] randomBytes(int n) {
        byte[] out = new byte[n];
        Random.INSTANCE.nextBytes(out);
        return out;
    }

    /** Returns ciphertext followed by the tag. */
    public static byte[] seal(SecretBytes key, byte[] nonce, byte[] plaintext, byte[] aad) {
        var cipher = init(true, key, nonce, aad);
        byte[] out = new byte[cipher.getOutputSize(plaintext.length)];
        int n = cipher.processBytes(plaintext, 0, plaintext.length, out, 0);
        try {
            cipher.doFinal(out, n);
        } catch (InvalidCipherTextException e) {
            throw new IllegalStateException("encryption cannot fail", e);
        }
        return out;
    }

    /** The plaintext, or empty when the tag does not verify (wrong key or altered data). */
    public static Optional<byte[]> open(SecretBytes key, byte[] nonce, byte[] sealed, byte[] aad) {
        if (sealed.length < TAG_BYTES) {
            return Optional.empty();
        }
        var cipher = init(false, key, nonce, aad);
        byte[] out = new byte[cipher.getOutputSize(sealed.length)];
        int n = cipher.processBytes(sealed, 0, sealed.length, out, 0);
        try {
            cipher.doFinal(out, n);
            return Optional.of(out);
        } catch (InvalidCipherTextException e) {
            java.util.Arrays.fill(out, (byte) 0);
            return Optional.empty();
        }
    }

    private static XChaCha20Poly1305 init(boolean encrypt, SecretBytes key, byte[] nonce, byte[] aad) {
        if (nonce.length != NONCE_BYTES) {
            throw new IllegalArgumentException("nonce must be " + NONCE_BYTES + " bytes");
        }
        byte[] k = key.reveal();
        try {
            var cipher = new XChaCha20Poly1305();
            cipher.init(encrypt, new AEADParameters(new KeyParameter(k), TAG_BYTES * 8, nonce, aad));
            return cipher;
        } finally {
            java.util.Arrays.fill(k, (byte) 0);
        }
    }
}
