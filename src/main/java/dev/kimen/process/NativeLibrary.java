package dev.kimen.process;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * kimen's JNI helper ({@code src/main/native}: signal forwarding, the session socket's client
 * end, libargon2 through {@code dlopen}), built with the system's C compiler when there is one.
 * Loaded once from the directory the launcher names in the system property
 * {@code kimen.native.dir}; without it each user falls back to plain Java (or the FFM API).
 *
 * <p>JNI rather than the FFM API, which {@link Libc} uses elsewhere: a JNI method binds in
 * microseconds, the FFM API's first downcall costs a cold start about 50 ms, and every
 * {@code run} needs these.
 */
public final class NativeLibrary {
    static final String FILE = "libkimen-native.so";
    private static final Path LOADED = load();

    private NativeLibrary() {}

    /** Whether the library is loaded, so that its functions can be called. */
    public static boolean loaded() {
        return LOADED != null;
    }

    /** An executable the build put beside the library ({@code kimen-exec}), when there is one. */
    public static java.util.Optional<Path> executable(String name) {
        String dir = System.getProperty("kimen.native.dir");
        if (dir == null) {
            return java.util.Optional.empty();
        }
        Path file = Path.of(dir, name).toAbsolutePath();
        return Files.isRegularFile(file) && Files.isExecutable(file) ? java.util.Optional.of(file)
                : java.util.Optional.empty();
    }

    /** The file loaded, or null. */
    public static Path path() {
        return LOADED;
    }

    private static Path load() {
        String dir = System.getProperty("kimen.native.dir");
        if (dir == null) {
            return null;
        }
        Path lib = Path.of(dir, FILE).toAbsolutePath();
        if (!Files.isRegularFile(lib)) {
            return null;
        }
        try {
            System.load(lib.toString());
            return lib;
        } catch (UnsatisfiedLinkError | SecurityException e) {
            return null;
        }
    }
}
