package dev.kimen.process;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Replaces this process with a command, keeping its PID ({@code execve(2)} through the FFM API; the
 * JDK has no exec). What the JVM leaves behind is undone first, so the command starts as if from a
 * shell: every descriptor above 2 (the JVM keeps its jars open without close-on-exec) is marked
 * close-on-exec, the signal mask is emptied (Java threads run with SIGQUIT blocked, and a blocked
 * signal stays blocked across exec), and SIGPIPE and SIGXFSZ are reset to their defaults.
 */
public final class Exec {
    private static final int CLOSE_RANGE_CLOEXEC = 1 << 2; // <linux/close_range.h>
    private static final int SIG_SETMASK = 2;
    private static final int SIGPIPE = 13;
    private static final int SIGXFSZ = 25;
    private static final int SIGSET_BYTES = 128; // glibc's sigset_t

    private Exec() {}

    /** Why the exec did not happen: the failing call and its errno. */
    public static final class Failed extends Exception {
        Failed(String message) {
            super(message);
        }
    }

    /**
     * Does not return when it works. {@code path} is the resolved program; {@code argv[0]} is
     * passed as given; {@code cwd} becomes the working directory first.
     */
    public static void replace(Path path, List<String> argv, Map<String, String> env, Path cwd) throws Failed {
        Linker linker = Linker.nativeLinker();
        var captureErrno = Linker.Option.captureCallState("errno");
        var errnoLayout = Linker.Option.captureStateLayout();
        Arena arena = Arena.global(); // freed by the exec itself
        MemorySegment state = arena.allocate(errnoLayout);
        MethodHandle chdir = handle(linker, "chdir", FunctionDescriptor.of(JAVA_INT, ADDRESS), captureErrno);
        MethodHandle closeRange = handle(linker, "close_range",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), captureErrno);
        MethodHandle sigprocmask = handle(linker, "sigprocmask", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
        MethodHandle signal = handle(linker, "signal", FunctionDescriptor.of(ADDRESS, JAVA_INT, ADDRESS));
        MethodHandle execve = handle(linker, "execve", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS),
                captureErrno);
        MemorySegment program = arena.allocateFrom(path.toString());
        MemorySegment args = cStrings(arena, argv.stream().map(a -> a.getBytes(StandardCharsets.UTF_8)).toList());
        // bytes, not Java's UTF-8: a value that is not UTF-8 (Utf8.decodeEscaped) reaches the command as it is
        MemorySegment environment = cStrings(arena, env.entrySet().stream()
                .map(e -> dev.kimen.text.Utf8.encodeEscaped(e.getKey() + "=" + e.getValue())).toList());
        try {
            if ((int) chdir.invokeExact(state, arena.allocateFrom(cwd.toString())) != 0) {
                throw new Failed("chdir " + cwd + ": " + errno(state, errnoLayout));
            }
            if ((int) closeRange.invokeExact(state, 3, -1, CLOSE_RANGE_CLOEXEC) != 0) {
                throw new Failed("close_range: " + errno(state, errnoLayout));
            }
            // best effort, as a shell would leave them: their results change nothing below
            int mask = (int) sigprocmask.invokeExact(SIG_SETMASK, arena.allocate(SIGSET_BYTES), MemorySegment.NULL);
            MemorySegment pipe = (MemorySegment) signal.invokeExact(SIGPIPE, MemorySegment.NULL); // NULL: SIG_DFL
            MemorySegment xfsz = (MemorySegment) signal.invokeExact(SIGXFSZ, MemorySegment.NULL);
            int result = (int) execve.invokeExact(state, program, args, environment);
            throw new Failed("execve " + path + " returned " + result + ": " + errno(state, errnoLayout));
        } catch (Failed e) {
            throw e;
        } catch (Throwable e) {
            throw new Failed(e.toString());
        }
    }

    private static MethodHandle handle(Linker linker, String name, FunctionDescriptor descriptor, Linker.Option... options) {
        return linker.downcallHandle(linker.defaultLookup().find(name).orElseThrow(
                () -> new UnsupportedOperationException("no " + name + " in this C library")), descriptor, options);
    }

    /** A NULL-terminated array of C strings made of {@code values}' bytes, which are zeroed. */
    private static MemorySegment cStrings(Arena arena, List<byte[]> values) {
        MemorySegment array = arena.allocate(ADDRESS, values.size() + 1L);
        for (int i = 0; i < values.size(); i++) {
            byte[] v = values.get(i);
            MemorySegment s = arena.allocate(v.length + 1L);
            MemorySegment.copy(v, 0, s, JAVA_BYTE, 0, v.length);
            s.set(JAVA_BYTE, v.length, (byte) 0);
            array.setAtIndex(ADDRESS, i, s);
            java.util.Arrays.fill(v, (byte) 0);
        }
        array.setAtIndex(ADDRESS, values.size(), MemorySegment.NULL);
        return array;
    }

    private static String errno(MemorySegment state, java.lang.foreign.StructLayout layout) {
        int errno = state.get(JAVA_INT, layout.byteOffset(java.lang.foreign.MemoryLayout.PathElement.groupElement("errno")));
        return "errno " + errno;
    }
}
