package dev.kimen.crypto;

import dev.kimen.process.NativeLibrary;
import java.nio.charset.StandardCharsets;

/**
 * libargon2 through kimen's JNI helper ({@code src/main/native/kimen_argon2.c}, which opens the
 * library with {@code dlopen}): what {@link LibArgon2} calls first. Its FFM binding reaches the
 * same function when the helper is not built, at about 50 ms more per cold start.
 */
final class NativeArgon2 {
    private static final boolean LOADED = load();

    private NativeArgon2() {}

    static boolean available() {
        return LOADED;
    }

    private static boolean load() {
        if (!NativeLibrary.loaded()) {
            return false;
        }
        try {
            for (String name : LibArgon2.CANDIDATES) {
                if (load0(name.getBytes(StandardCharsets.UTF_8)) == 0) {
                    return true;
                }
            }
        } catch (UnsatisfiedLinkError olderHelper) {
            // a helper built before these functions existed
        }
        return false;
    }

    /** As {@link LibArgon2#derive}: the caller has checked {@link #available()}. */
    static byte[] derive(byte[] password, byte[] salt, byte[] secret, byte[] associatedData, KdfParams params,
                         int length) {
        byte[] out = new byte[length];
        int status = ctx0(out, password, salt, secret, associatedData, params.passes(), params.memoryKib(),
                params.parallelism(), LibArgon2.threads(params));
        LibArgon2.check(status, params, NativeArgon2::error0); // on failure `out` holds nothing: C copies only a result
        return out;
    }

    private static native int load0(byte[] name);

    private static native int ctx0(byte[] out, byte[] pwd, byte[] salt, byte[] secret, byte[] ad, int tCost, int mCost,
                                   int lanes, int threads);

    private static native String error0(int status);
}
