package dev.kimen.process;

import java.util.Optional;

/**
 * The signal functions of {@link NativeLibrary} ({@code src/main/native/kimen_signals.c}): a
 * handler for the signal the JVM will not let Java handle (SIGQUIT) and for the ones a terminal
 * sends (SIGINT, SIGHUP; SIGTERM with them), which sees who sent a signal, and {@code kill(2)}.
 * Without the library SIGQUIT is not forwarded, the others go through Java handlers (which
 * forward a Ctrl-C the child got from the terminal already), and {@code kill} goes through
 * {@link Libc}.
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

    /** Starts forwarding {@code signal} natively; false when this helper cannot. */
    boolean catchNatively(int signal) {
        return call(() -> catchSignal(signal) == 0);
    }

    void forwardTo(long pid) {
        call(() -> {
            forwardTo((int) pid);
            return true;
        });
    }

    /** Puts back the handler {@code signal} had before {@link #catchNatively}. */
    void releaseNatively(int signal) {
        call(() -> release(signal) == 0);
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
