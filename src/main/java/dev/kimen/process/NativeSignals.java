package dev.kimen.process;

import java.util.Optional;

/**
 * The signal functions of {@link NativeLibrary} ({@code src/main/native/kimen_signals.c}): a
 * handler for the signal the JVM will not let Java handle (SIGQUIT), and {@code kill(2)}. Without
 * the library SIGQUIT is not forwarded and {@code kill} goes through {@link Libc}.
 */
final class NativeSignals {
    static final int SIGQUIT = 3;
    private static final Optional<NativeSignals> LOADED = NativeLibrary.loaded() ? Optional.of(new NativeSignals())
            : Optional.empty();

    private NativeSignals() {}

    /** The helper, when the launcher said where it is and it loads. */
    static Optional<NativeSignals> get() {
        return LOADED;
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
