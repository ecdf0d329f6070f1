package dev.kimen.process;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The native forwarder of {@code src/main/native/kimen_signals.c}, for the signal the JVM will not
 * let Java handle (SIGQUIT). Found in the directory named by the system property
 * {@code kimen.native.dir}, which the launcher sets; absent, SIGQUIT is simply not forwarded.
 */
final class NativeSignals {
    static final int SIGQUIT = 3;
    private static final String LIBRARY = "libkimen-signals.so";

    private final MethodHandle catchSignal;
    private final MethodHandle forwardTo;
    private final MethodHandle release;

    private NativeSignals(SymbolLookup lib) {
        Linker linker = Linker.nativeLinker();
        catchSignal = linker.downcallHandle(lib.find("kimen_catch").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
        forwardTo = linker.downcallHandle(lib.find("kimen_forward_to").orElseThrow(),
                FunctionDescriptor.ofVoid(ValueLayout.JAVA_INT));
        release = linker.downcallHandle(lib.find("kimen_release").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    }

    /** The forwarder, when the launcher said where it is and it loads. */
    static Optional<NativeSignals> load() {
        String dir = System.getProperty("kimen.native.dir");
        if (dir == null) {
            return Optional.empty();
        }
        Path lib = Path.of(dir, LIBRARY);
        if (!Files.isRegularFile(lib)) {
            return Optional.empty();
        }
        try {
            return Optional.of(new NativeSignals(SymbolLookup.libraryLookup(lib, Arena.global())));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    boolean catchSignal(int signal) {
        try {
            return (int) catchSignal.invokeExact(signal) == 0;
        } catch (Throwable e) {
            return false;
        }
    }

    void forwardTo(long pid) {
        try {
            forwardTo.invokeExact((int) pid);
        } catch (Throwable e) {
            // nothing to forward to
        }
    }

    void release(int signal) {
        try {
            int ignored = (int) release.invokeExact(signal);
        } catch (Throwable e) {
            // the process is ending anyway
        }
    }
}
