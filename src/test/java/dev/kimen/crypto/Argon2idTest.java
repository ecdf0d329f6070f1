package dev.kimen.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Each vector runs through libargon2 (native=true: the JNI helper, and the FFM binding below) and through BouncyCastle (native=false). */
class Argon2idTest {
    /** RFC 9106 §5.3 (Argon2id test vector): m=32 KiB, t=3, p=4, 32-byte tag, with secret and AD. */
    @ParameterizedTest(name = "native={0}")
    @ValueSource(booleans = {true, false})
    void rfc9106Section5_3Vector(boolean inNative) {
        byte[] tag = derive(inNative, SecretBytes.adopt(Hex.repeat(0x01, 32)), Hex.repeat(0x02, 16),
                Hex.repeat(0x03, 8), Hex.repeat(0x04, 12), new KdfParams(32, 3, 4), 32);
        assertArrayEquals(Hex.bytes("""
                0d 64 0d f5 8d 78 76 6c 08 c0 37 a3 4a 8b 53 c9
                d0 1e f0 45 2d 75 b6 5e b5 25 20 e9 6b 01 e6 59"""), tag);
    }

    /**
     * The default parameters, password and salt only. From the reference CLI (Debian argon2
     * 0~20171227): {@code echo -n password | argon2 somesalt -id -t 3 -m 16 -p 4 -l 32 -r}.
     */
    @ParameterizedTest(name = "native={0}")
    @ValueSource(booleans = {true, false})
    void referenceCliVectorWithDefaultParameters(boolean inNative) {
        byte[] tag = derive(inNative, SecretBytes.ofUtf8("password"), "somesalt".getBytes(StandardCharsets.US_ASCII),
                null, null, KdfParams.DEFAULT, 32);
        assertArrayEquals(Hex.bytes("661fefbd6f29bcbc8f4646abc32a9d7a4645bb5c059537f8a5587f31adbecccd"), tag);
    }

    /** Edges where the two could part: an empty password (a NULL pointer), memory rounded down to whole segments, 3 lanes, an odd length. */
    @Test
    void nativeAndJavaAgree() {
        requireNative();
        var cases = new Object[][] {
            {"", new KdfParams(64, 1, 1), null, null, 32},
            {"pw", new KdfParams(100, 2, 3), null, null, 32},
            {"pw", new KdfParams(8, 1, 1), Hex.repeat(7, 3), null, 4},
            {"pässwörd", new KdfParams(257, 1, 2), null, Hex.repeat(9, 1), 65},
        };
        for (Object[] c : cases) {
            var pw = SecretBytes.ofUtf8((String) c[0]);
            var params = (KdfParams) c[1];
            byte[] salt = Hex.repeat(5, 16);
            byte[] a = Argon2id.derive(true, pw, salt, (byte[]) c[2], (byte[]) c[3], params, (int) c[4]);
            byte[] b = Argon2id.derive(false, pw, salt, (byte[]) c[2], (byte[]) c[3], params, (int) c[4]);
            assertArrayEquals(b, a, () -> params + " " + c[0]);
            byte[] ffm = LibArgon2.throughFfm(pw.reveal(), salt, (byte[]) c[2], (byte[]) c[3], params, (int) c[4]);
            assertArrayEquals(b, ffm, () -> "FFM: " + params + " " + c[0]);
        }
    }

    /**
     * Where the build had a C compiler (CI: always), libargon2 goes through kimen's JNI helper,
     * and its FFM binding, the fallback, gives the RFC 9106 vector too.
     */
    @Test
    void theHelperCallsLibargon2AndTheFfmBindingStillWorks() {
        requireNative();
        assertTrue(NativeArgon2.available(), "the JNI helper did not load libargon2 (kimen.native.dir="
                + System.getProperty("kimen.native.dir") + ")");
        byte[] tag = LibArgon2.throughFfm(Hex.repeat(0x01, 32), Hex.repeat(0x02, 16), Hex.repeat(0x03, 8),
                Hex.repeat(0x04, 12), new KdfParams(32, 3, 4), 32);
        assertArrayEquals(Hex.bytes("0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659"), tag);
    }

    /** libargon2 rejects a salt under 8 bytes; its message reaches the exception, through either bridge. */
    @Test
    void nativeFailureIsAnError() {
        requireNative();
        var e = assertThrows(IllegalStateException.class, () -> Argon2id.derive(true, SecretBytes.ofUtf8("pw"),
                Hex.repeat(1, 4), null, null, new KdfParams(64, 1, 1), 32));
        assertTrue(e.getMessage().contains("Salt is too short"), e.getMessage());
        var ffm = assertThrows(IllegalStateException.class, () -> LibArgon2.throughFfm("pw".getBytes(StandardCharsets.UTF_8),
                Hex.repeat(1, 4), null, null, new KdfParams(64, 1, 1), 32));
        assertTrue(ffm.getMessage().contains("Salt is too short"), ffm.getMessage());
    }

    @Test
    void propertyForcesJava() {
        String before = System.getProperty(Argon2id.IMPLEMENTATION_PROPERTY);
        System.setProperty(Argon2id.IMPLEMENTATION_PROPERTY, "java");
        try {
            assertFalse(Argon2id.usesNative());
        } finally {
            if (before == null) {
                System.clearProperty(Argon2id.IMPLEMENTATION_PROPERTY);
            } else {
                System.setProperty(Argon2id.IMPLEMENTATION_PROPERTY, before);
            }
        }
        assertTrue(Argon2id.usesNative() == Argon2id.nativeAvailable());
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

    private static byte[] derive(boolean inNative, SecretBytes password, byte[] salt, byte[] secret, byte[] ad,
                                 KdfParams params, int length) {
        if (inNative) {
            requireNative();
        }
        return Argon2id.derive(inNative, password, salt, secret, ad, params, length);
    }

    /**
     * Skips where libargon2 is not installed, except on Linux CI, which installs libargon2-1: a
     * missing library there fails, so the native tests cannot pass by being skipped.
     */
    private static void requireNative() {
        boolean linuxCi = System.getenv("CI") != null && System.getProperty("os.name").startsWith("Linux");
        if (linuxCi) {
            assertTrue(Argon2id.nativeAvailable(),
                    "libargon2 not loaded: CI needs libargon2-1 installed and --enable-native-access=ALL-UNNAMED");
        } else {
            assumeTrue(Argon2id.nativeAvailable(), "libargon2.so.1 not installed");
        }
    }
}
