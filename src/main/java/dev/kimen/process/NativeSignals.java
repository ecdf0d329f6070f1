package dev.kimen.process;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The native helper of {@code src/main/native/kimen_signals.c}: a handler for the signal the JVM
 * will not let Java handle (SIGQUIT), and {@code kill(2)}. Found in the directory named by the
 * system property {@code kimen.native.dir}, which the launcher sets; absent, SIGQUIT is not
 * forwarded and {@code kill} goes through {@link Libc}.
 *
 * <p>JNI rather than the FFM API, which {@link Libc} uses elsewhere: a JNI method binds in
 * microseconds, the FFM API's first downcall costs about 125 ms, and every {@code run} needs these.
 */
final class NativeSignals {
    static final int SIGQUIT = 3;
    private static final String LIBRARY = "libkimen-signals.so";
    private static final Optional<NativeSignals> LOADED = load();

    private NativeSignals() {}

    /** The helper, when the launcher said where it is and it loads. */
    static Optional<NativeSignals> get() {
        return LOADED;
    }

    private static Optional<NativeSignals> load() {
        String dir = System.getProperty("kimen.native.dir");
        if (dir == null) {
            return Optional.empty();
        }
        Path lib = Path.of(dir, LIBRARY);
        if (!Files.isRegularFile(lib)) {
            return Optional.empty();
        }
        try {
            System.load(lib.toAbsolutePath().toString());
            return Optional.of(new NativeSignals());
        } catch (UnsatisfiedLinkError | SecurityException e) {
            return Optional.empty();
        }
    }

    boolean catchQuit() {
        return call(() -> catchSignal(SIGQUIT) == 0);
    }

    void forwardTo(long pid) {
        call(() -> {
            forwardTo((int) pid);
            return true;
        });
    }

    void releaseQuit() {
        call(() -> release(SIGQUIT) == 0);
    }

    boolean send(long pid, int signal) {
        return call(() -> kill((int) pid, signal) == 0);
    }

    /** An old library without one of the functions counts as a failed call. */
    private static boolean call(java.util.function.BooleanSupplier function) {
        try {
            return function.getAsBoolean();
        } catch (UnsatisfiedLinkError e) {
            return false;
        }
    }

    private static native int catchSignal(int signal);

    private static native void forwardTo(int pid);

    private static native int release(int signal);

    private static native int kill(int pid, int signal);
}
