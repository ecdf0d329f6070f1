package dev.kimen.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.Test;

class Argon2idTest {
    /** RFC 9106 §5.3 (Argon2id test vector): m=32 KiB, t=3, p=4, 32-byte tag, with secret and AD. */
    @Test
    void rfc9106Section5_3Vector() {
        byte[] tag = Argon2id.derive(SecretBytes.adopt(Hex.repeat(0x01, 32)), Hex.repeat(0x02, 16),
                Hex.repeat(0x03, 8), Hex.repeat(0x04, 12), new KdfParams(32, 3, 4), 32);
        assertArrayEquals(Hex.bytes("""
                0d 64 0d f5 8d 78 76 6c 08 c0 37 a3 4a 8b 53 c9
                d0 1e f0 45 2d 75 b6 5e b5 25 20 e9 6b 01 e6 59"""), tag);
    }

    @Test
    void saltAndParametersChangeTheKey() {
        var pw = SecretBytes.ofUtf8("pw");
        byte[] a = Argon2id.derive(pw, Hex.repeat(1, 16), new KdfParams(64, 1, 1), 32);
        byte[] b = Argon2id.derive(pw, Hex.repeat(2, 16), new KdfParams(64, 1, 1), 32);
        byte[] c = Argon2id.derive(pw, Hex.repeat(1, 16), new KdfParams(64, 2, 1), 32);
        assertFalse(java.util.Arrays.equals(a, b));
        assertFalse(java.util.Arrays.equals(a, c));
    }
}
