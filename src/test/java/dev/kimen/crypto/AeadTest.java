package dev.kimen.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class AeadTest {
    // draft-irtf-cfrg-xchacha-03, Appendix A.3.1 (AEAD_XChaCha20_Poly1305 example and test vector).
    static final byte[] PLAINTEXT = ("Ladies and Gentlemen of the class of '99: If I could offer you only one tip"
            + " for the future, sunscreen would be it.").getBytes(StandardCharsets.US_ASCII);
    static final byte[] AAD = Hex.bytes("50515253c0c1c2c3c4c5c6c7");
    static final byte[] KEY = Hex.bytes("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f");
    static final byte[] IV = Hex.bytes("404142434445464748494a4b4c4d4e4f5051525354555657");
    static final byte[] CIPHERTEXT = Hex.bytes("""
            bd6d179d3e83d43b9576579493c0e939572a1700252bfaccbed2902c21396cbb
            731c7f1b0b4aa6440bf3a82f4eda7e39ae64c6708c54c216cb96b72e1213b452
            2f8c9ba40db5d945b11b69b982c1bb9e3f3fac2bc369488f76b2383565d3fff9
            21f9664c97637da9768812f615c68b13b52e""");
    static final byte[] TAG = Hex.bytes("c0875924c1c7987947deafd8780acf49");

    @Test
    void draftA31VectorSeals() {
        byte[] sealed = Aead.seal(SecretBytes.adopt(KEY.clone()), IV, PLAINTEXT, AAD);
        assertArrayEquals(concat(CIPHERTEXT, TAG), sealed);
    }

    @Test
    void draftA31VectorOpens() {
        byte[] opened = Aead.open(SecretBytes.adopt(KEY.clone()), IV, concat(CIPHERTEXT, TAG), AAD).orElseThrow();
        assertArrayEquals(PLAINTEXT, opened);
    }

    @Test
    void anyFlippedBitOrOtherAadIsRefused() {
        byte[] sealed = concat(CIPHERTEXT, TAG);
        var key = SecretBytes.adopt(KEY.clone());
        for (int bit = 0; bit < sealed.length * 8; bit++) {
            byte[] bad = sealed.clone();
            bad[bit / 8] ^= (byte) (1 << (bit % 8));
            assertTrue(Aead.open(key, IV, bad, AAD).isEmpty(), "bit " + bit);
        }
        assertTrue(Aead.open(key, IV, sealed, Hex.bytes("50515253c0c1c2c3c4c5c6c8")).isEmpty());
        assertTrue(Aead.open(key, IV, java.util.Arrays.copyOf(sealed, 15), AAD).isEmpty());
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
