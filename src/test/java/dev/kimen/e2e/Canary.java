package dev.kimen.e2e;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * A distinctive secret value every e2e vault holds. DESIGN §8: a value may leave kimen only where
 * printing it is the command's purpose — the stdout of {@code secret get} of its name.
 * {@link OutputLog} checks every other stream of every run against it.
 */
final class Canary {
    /** New for each test run, so another run on the same machine (its argv, its files) is not mistaken for a leak of this one's. */
    static final String VALUE = "kimen-canary-" + java.util.HexFormat.of().formatHex(
            java.security.SecureRandom.getSeed(8));
    /** The name the canary is stored under, and the one {@link CanaryE2ETest} renames it to. */
    static final String NAME = "canary.token";
    static final String MOVED = "canary.moved";

    private static final byte[] RAW = VALUE.getBytes(StandardCharsets.UTF_8);
    // How it looks inside a v2 plaintext line (base64 of the value): a dump of decrypted contents shows it.
    private static final byte[] BASE64 = Base64.getEncoder().encodeToString(RAW).getBytes(StandardCharsets.US_ASCII);

    private Canary() {}

    static byte[] bytes() {
        return RAW.clone();
    }

    /** Whether the value, raw or base64-encoded, occurs in {@code data}. */
    static boolean showsIn(byte[] data) {
        return indexOf(data, RAW) >= 0 || indexOf(data, BASE64) >= 0;
    }

    static boolean showsIn(String text) {
        return showsIn(text.getBytes(StandardCharsets.UTF_8));
    }

    /** {@code secret get} of a name the canary is stored under: its stdout is where the value belongs. */
    static boolean isGetOfCanary(List<String> args) {
        return args.contains("secret") && args.contains("get") && (args.contains(NAME) || args.contains(MOVED));
    }

    static int indexOf(byte[] data, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= data.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (data[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
