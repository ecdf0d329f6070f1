package dev.kimen.crypto;

import java.util.Arrays;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * Ed25519 signatures (RFC 8032) through BouncyCastle's lightweight API (no JCA provider to load),
 * with private keys as 32-byte seeds. A seed can be derived from other key material with
 * HKDF-SHA256 (RFC 5869), so one secret can stand behind keys of two algorithms without either
 * key revealing anything about the other.
 */
public final class Ed25519 {
    public static final int KEY_BYTES = 32;
    public static final int SIGNATURE_BYTES = 64;

    private Ed25519() {}

    /** A seed made from {@code ikm} by HKDF-SHA256 with no salt and {@code info} as the context. */
    public static SecretBytes deriveSeed(SecretBytes ikm, byte[] info) {
        byte[] input = ikm.reveal();
        byte[] seed = new byte[KEY_BYTES];
        try {
            var hkdf = new HKDFBytesGenerator(new SHA256Digest());
            hkdf.init(new HKDFParameters(input, null, info));
            hkdf.generateBytes(seed, 0, seed.length);
            return SecretBytes.adopt(seed);
        } finally {
            Arrays.fill(input, (byte) 0);
        }
    }

    /** The 32-byte public key of {@code seed}. */
    public static byte[] publicKey(SecretBytes seed) {
        byte[] raw = seed.reveal();
        try {
            return new Ed25519PrivateKeyParameters(raw, 0).generatePublicKey().getEncoded();
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
    }

    /** The 64-byte signature of {@code message} by {@code seed}. */
    public static byte[] sign(SecretBytes seed, byte[] message) {
        byte[] raw = seed.reveal();
        try {
            var signer = new Ed25519Signer();
            signer.init(true, new Ed25519PrivateKeyParameters(raw, 0));
            signer.update(message, 0, message.length);
            return signer.generateSignature();
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
    }

    /** Whether {@code signature} is {@code publicKey}'s over {@code message}; false for malformed input. */
    public static boolean verify(byte[] publicKey, byte[] message, byte[] signature) {
        if (publicKey.length != KEY_BYTES || signature.length != SIGNATURE_BYTES) {
            return false;
        }
        try {
            var verifier = new Ed25519Signer();
            verifier.init(false, new Ed25519PublicKeyParameters(publicKey, 0));
            verifier.update(message, 0, message.length);
            return verifier.verifySignature(signature);
        } catch (IllegalArgumentException e) {
            return false; // not a point on the curve
        }
    }

    /** Whether {@code key} encodes a point on the curve outside its small subgroup, as a public key must. */
    public static boolean isPublicKey(byte[] key) {
        return key.length == KEY_BYTES && org.bouncycastle.math.ec.rfc8032.Ed25519.validatePublicKeyFull(key, 0);
    }
}
