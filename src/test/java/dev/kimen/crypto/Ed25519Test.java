package dev.kimen.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Sync's signatures and key derivation against the RFCs' own vectors. */
class Ed25519Test {
    // RFC 8032 section 7.1, TEST 1 (empty message) and TEST 2 (one byte).
    private static final byte[] SECRET_1 = Hex.bytes("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
    private static final byte[] PUBLIC_1 = Hex.bytes("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
    private static final byte[] SIGNATURE_1 = Hex.bytes("""
            e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b""");
    private static final byte[] SECRET_2 = Hex.bytes("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb");
    private static final byte[] PUBLIC_2 = Hex.bytes("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c");
    private static final byte[] MESSAGE_2 = Hex.bytes("72");
    private static final byte[] SIGNATURE_2 = Hex.bytes("""
            92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00""");

    @Test
    void signsAndVerifiesAsRfc8032Says() {
        try (var seed = SecretBytes.adopt(SECRET_1.clone())) {
            assertArrayEquals(PUBLIC_1, Ed25519.publicKey(seed));
            assertArrayEquals(SIGNATURE_1, Ed25519.sign(seed, new byte[0]));
        }
        try (var seed = SecretBytes.adopt(SECRET_2.clone())) {
            assertArrayEquals(PUBLIC_2, Ed25519.publicKey(seed));
            assertArrayEquals(SIGNATURE_2, Ed25519.sign(seed, MESSAGE_2));
        }
        assertTrue(Ed25519.verify(PUBLIC_2, MESSAGE_2, SIGNATURE_2));
        assertFalse(Ed25519.verify(PUBLIC_1, MESSAGE_2, SIGNATURE_2), "another key");
        assertFalse(Ed25519.verify(PUBLIC_2, new byte[] {0x73}, SIGNATURE_2), "another message");
        for (int bit = 0; bit < SIGNATURE_2.length * 8; bit++) {
            byte[] flipped = SIGNATURE_2.clone();
            flipped[bit / 8] ^= (byte) (1 << (bit % 8));
            assertFalse(Ed25519.verify(PUBLIC_2, MESSAGE_2, flipped), "signature bit " + bit);
        }
        assertFalse(Ed25519.verify(PUBLIC_2, MESSAGE_2, new byte[63]), "a short signature");
    }

    @Test
    void publicKeysAreCheckedToBePointsOutsideTheSmallSubgroup() {
        assertTrue(Ed25519.isPublicKey(PUBLIC_1));
        assertFalse(Ed25519.isPublicKey(new byte[32]), "all zeros: not a valid key");
        byte[] identity = new byte[32];
        identity[0] = 1; // the neutral element: a small-order point, which would verify forged signatures
        assertFalse(Ed25519.isPublicKey(identity));
        assertFalse(Ed25519.isPublicKey(new byte[31]));
    }

    @Test
    void derivesSeedsWithHkdfAsRfc5869Says() {
        // RFC 5869 A.3: SHA-256, IKM = 22 bytes of 0x0b, no salt, no info; OKM's first 32 bytes.
        try (var ikm = SecretBytes.adopt(Hex.repeat(0x0b, 22));
             var seed = Ed25519.deriveSeed(ikm, new byte[0])) {
            assertArrayEquals(Hex.bytes("8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d"), seed.reveal());
        }
        try (var ikm = SecretBytes.adopt(Hex.repeat(0x0b, 22));
             var a = Ed25519.deriveSeed(ikm, "one".getBytes(StandardCharsets.US_ASCII));
             var b = Ed25519.deriveSeed(ikm, "two".getBytes(StandardCharsets.US_ASCII))) {
            assertFalse(a.sameAs(b), "another context, another key");
        }
    }
}
