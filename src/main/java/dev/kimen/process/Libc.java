package dev.kimen.process;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * The few libc calls the JDK has no API for, through the FFM API. Each handle is made on first
 * use: making one costs milliseconds, and most commands need none. {@link #isatty}, which several
 * commands need on every start, goes through kimen's JNI helper when it is loaded.
 */
public final class Libc {
    private static final int PR_SET_DUMPABLE = 4; // <linux/prctl.h>

    private Libc() {}

    private static final class Kill {
        static final MethodHandle HANDLE = function("kill",
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT)).orElseThrow();
    }

    /** {@code kill(2)}; false when it failed (e.g. the process is gone). */
    public static boolean kill(long pid, int signal) {
        try {
            return (int) Kill.HANDLE.invokeExact((int) pid, signal) == 0;
        } catch (Throwable e) {
            return false;
        }
    }

    /** {@code isatty(3)}: whether descriptor {@code fd} is a terminal. */
    public static boolean isatty(int fd) {
        if (NativeLibrary.loaded()) {
            try {
                return isatty0(fd) == 1;
            } catch (UnsatisfiedLinkError olderHelper) {
                // a helper built before this function existed: the FFM API answers
            }
        }
        return call(function("isatty", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT)), fd) == 1;
    }

    private static native int isatty0(int fd);

    /** {@code setsid(2)}: leaves the terminal's session and process group; false when it failed. */
    public static boolean setsid() {
        return call(function("setsid", FunctionDescriptor.of(ValueLayout.JAVA_INT))) > 0;
    }

    /**
     * {@code prctl(PR_SET_DUMPABLE, 0)} on Linux: no core dumps, and other processes of the same
     * user can no longer ptrace this one or read its {@code /proc/<pid>/mem}. False elsewhere.
     */
    public static synchronized boolean notDumpable() {
        if (notDumpable) {
            return true; // Main did it already, and it lasts for the process
        }
        if (NativeLibrary.loaded()) {
            try {
                return notDumpable = notDumpable0() == 0;
            } catch (UnsatisfiedLinkError olderHelper) {
                // a helper built before this function existed: the FFM API does it
            }
        }
        var prctl = function("prctl", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG),
                Linker.Option.firstVariadicArg(1));
        return notDumpable = call(prctl, PR_SET_DUMPABLE, 0L, 0L, 0L, 0L) == 0;
    }

    private static boolean notDumpable;

    private static native int notDumpable0();

    private static Optional<MethodHandle> function(String name, FunctionDescriptor descriptor, Linker.Option... options) {
        Linker linker = Linker.nativeLinker();
        return linker.defaultLookup().find(name).map(symbol -> linker.downcallHandle(symbol, descriptor, options));
    }

    /** Calls an int-returning function; -1 when it is missing on this platform or the call failed. */
    private static int call(Optional<MethodHandle> function, Object... args) {
        if (function.isEmpty()) {
            return -1;
        }
        try {
            return (int) function.get().invokeWithArguments(args);
        } catch (Throwable e) {
            return -1;
        }
    }
}
