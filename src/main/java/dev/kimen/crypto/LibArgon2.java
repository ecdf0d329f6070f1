package dev.kimen.crypto;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

/**
 * Argon2id through the reference C library, libargon2, when the system has it: C, with the lanes
 * in threads, derives with the default parameters three to four times faster than BouncyCastle in
 * a cold JVM, where the unlock of every command runs.
 *
 * <p>Hand-written FFM rather than a dependency: the Java bindings for libargon2 on Maven Central
 * (argon2-jvm and its forks) go through JNA, a second native bridge and a large jar on the start
 * path; the FFM binding found (Zylquinal/argon2) is on JitPack only and unpacks its own binaries
 * into the temp directory. One struct and two functions are less code than either. When kimen's
 * JNI helper is loaded the call goes through it instead ({@link NativeArgon2}): same library,
 * same context, without the FFM API's cold-start cost.
 */
final class LibArgon2 {
    private static final int ARGON2_ID = 2; // argon2_type Argon2_id
    private static final int ARGON2_VERSION_13 = 0x13;
    private static final int ARGON2_MEMORY_ALLOCATION_ERROR = -22; // argon2_error_codes
    /** Wipe the password and secret right after they are hashed into H0, before the passes. */
    private static final int ARGON2_FLAG_CLEAR_PASSWORD_AND_SECRET = 0b11;

    /**
     * Only soname 1 (20171227 and later) has this {@code argon2_context}: older releases lack the
     * {@code version} field. Absolute paths for a loader that does not search the usual places.
     */
    static final String[] CANDIDATES = {
        "libargon2.so.1",
        "/usr/lib/x86_64-linux-gnu/libargon2.so.1",
        "/usr/lib/aarch64-linux-gnu/libargon2.so.1",
        "/usr/lib64/libargon2.so.1",
        "/usr/lib/libargon2.so.1",
        "/usr/local/lib/libargon2.so.1",
        "/opt/homebrew/lib/libargon2.1.dylib",
        "/usr/local/lib/libargon2.1.dylib",
    };

    private LibArgon2() {}

    /**
     * Loaded on first use, so a command that derives no key pays nothing, nor one whose key comes
     * through the JNI helper (the FFM layouts' own initialisation costs milliseconds). Null: absent.
     */
    private static final class Holder {
        /** {@code argon2_context} of argon2.h on an LP64 platform. */
        private static final StructLayout CONTEXT = MemoryLayout.structLayout(
                ADDRESS.withName("out"), JAVA_INT.withName("outlen"), MemoryLayout.paddingLayout(4),
                ADDRESS.withName("pwd"), JAVA_INT.withName("pwdlen"), MemoryLayout.paddingLayout(4),
                ADDRESS.withName("salt"), JAVA_INT.withName("saltlen"), MemoryLayout.paddingLayout(4),
                ADDRESS.withName("secret"), JAVA_INT.withName("secretlen"), MemoryLayout.paddingLayout(4),
                ADDRESS.withName("ad"), JAVA_INT.withName("adlen"),
                JAVA_INT.withName("t_cost"), JAVA_INT.withName("m_cost"),
                JAVA_INT.withName("lanes"), JAVA_INT.withName("threads"), JAVA_INT.withName("version"),
                ADDRESS.withName("allocate_cbk"), ADDRESS.withName("free_cbk"),
                JAVA_INT.withName("flags"), MemoryLayout.paddingLayout(4));

        static final SymbolLookup LIBRARY = load();
        static final MethodHandle CTX = function("argon2_ctx", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));

        /**
         * Without native access granted the first restricted call prints a JVM warning, and a
         * future JDK refuses it: then stay on BouncyCastle, silently.
         */
        private static SymbolLookup load() {
            if (!LibArgon2.class.getModule().isNativeAccessEnabled() || ADDRESS.byteSize() != 8) {
                return null;
            }
            for (String name : CANDIDATES) {
                try {
                    return SymbolLookup.libraryLookup(name, Arena.global());
                } catch (IllegalArgumentException | IllegalCallerException e) {
                    // not there (or not loadable); try the next place
                }
            }
            return null;
        }
    }

    /** Made only when a call has failed: each handle costs milliseconds to make. */
    private static final class ErrorMessage {
        static final MethodHandle HANDLE = function("argon2_error_message", FunctionDescriptor.of(ADDRESS, JAVA_INT));
    }

    private static MethodHandle function(String name, FunctionDescriptor descriptor) {
        if (Holder.LIBRARY == null) {
            return null;
        }
        var symbol = Holder.LIBRARY.find(name);
        return symbol.isPresent() ? Linker.nativeLinker().downcallHandle(symbol.get(), descriptor) : null;
    }

    /** Through kimen's JNI helper when it is loaded ({@link NativeArgon2}), else through the FFM API. */
    static boolean available() {
        return NativeArgon2.available() || Holder.CTX != null;
    }

    /**
     * Throws for a failed {@code argon2_ctx}: a memory cost the process could not get is an
     * {@link OutOfMemoryError} (the vault reports it), anything else libargon2's own message.
     */
    static void check(int status, KdfParams params, java.util.function.IntFunction<String> message) {
        if (status == ARGON2_MEMORY_ALLOCATION_ERROR) {
            throw new OutOfMemoryError("libargon2 could not allocate " + params.memoryKib() + " KiB");
        }
        if (status != 0) {
            throw new IllegalStateException("libargon2 argon2_ctx failed (" + status + "): " + message.apply(status));
        }
    }

    /** Threads only schedule the lanes: no more of them than CPUs, whatever a header asks. */
    static int threads(KdfParams params) {
        return Math.min(params.parallelism(), Runtime.getRuntime().availableProcessors());
    }

    static byte[] derive(byte[] password, byte[] salt, byte[] secret, byte[] associatedData, KdfParams params, int length) {
        return NativeArgon2.available() ? NativeArgon2.derive(password, salt, secret, associatedData, params, length)
                : throughFfm(password, salt, secret, associatedData, params, length);
    }

    /**
     * {@code argon2_ctx} with lanes = parallelism and as many threads, up to the CPUs: threads
     * only schedule the lanes, so the tag is BouncyCastle's. The inputs are copied into native memory that is zeroed before it
     * is freed; {@code secret} and {@code associatedData} may be null.
     */
    static byte[] throughFfm(byte[] password, byte[] salt, byte[] secret, byte[] associatedData,
                             KdfParams params, int length) {
        if (Holder.CTX == null) {
            throw new IllegalStateException("libargon2 is not loaded");
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment pwd = MemorySegment.NULL;
            MemorySegment sec = MemorySegment.NULL;
            MemorySegment out = MemorySegment.NULL;
            try {
                pwd = copy(arena, password);
                sec = copy(arena, secret);
                out = arena.allocate(length);
                MemorySegment ctx = arena.allocate(Holder.CONTEXT);
                set(ctx, "out", out);
                set(ctx, "outlen", length);
                set(ctx, "pwd", pwd);
                set(ctx, "pwdlen", password.length);
                set(ctx, "salt", copy(arena, salt));
                set(ctx, "saltlen", salt.length);
                set(ctx, "secret", sec);
                set(ctx, "secretlen", (int) sec.byteSize());
                MemorySegment ad = copy(arena, associatedData);
                set(ctx, "ad", ad);
                set(ctx, "adlen", (int) ad.byteSize());
                set(ctx, "t_cost", params.passes());
                set(ctx, "m_cost", params.memoryKib());
                set(ctx, "lanes", params.parallelism());
                set(ctx, "threads", threads(params));
                // libargon2 takes 0 here without complaint and hashes it into H0: another tag.
                set(ctx, "version", ARGON2_VERSION_13);
                set(ctx, "flags", ARGON2_FLAG_CLEAR_PASSWORD_AND_SECRET);
                int status = call(ctx);
                check(status, params, LibArgon2::errorMessage);
                return out.toArray(JAVA_BYTE);
            } finally {
                pwd.fill((byte) 0);
                sec.fill((byte) 0);
                out.fill((byte) 0);
            }
        }
    }

    /** A native copy of {@code bytes}; NULL (length 0) for null or empty, as argon2.h allows. */
    private static MemorySegment copy(Arena arena, byte[] bytes) {
        return bytes == null || bytes.length == 0 ? MemorySegment.NULL : arena.allocateFrom(JAVA_BYTE, bytes);
    }

    private static void set(MemorySegment ctx, String field, int value) {
        ctx.set(JAVA_INT, Holder.CONTEXT.byteOffset(groupElement(field)), value);
    }

    private static void set(MemorySegment ctx, String field, MemorySegment value) {
        ctx.set(ADDRESS, Holder.CONTEXT.byteOffset(groupElement(field)), value);
    }

    private static int call(MemorySegment ctx) {
        try {
            return (int) Holder.CTX.invokeExact(ctx, ARGON2_ID);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    private static String errorMessage(int status) {
        try {
            var text = (MemorySegment) ErrorMessage.HANDLE.invokeExact(status);
            return text.equals(MemorySegment.NULL) ? "unknown error" : text.reinterpret(256).getString(0);
        } catch (Throwable e) {
            return "unknown error";
        }
    }
}
