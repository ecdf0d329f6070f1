package dev.kimen.process;

import java.util.concurrent.Callable;

/**
 * A command run inside the session daemon on behalf of the native client (kimen-fastrun), which
 * must do there only what the daemon may do for it: read files and the keys it holds. Starting
 * a program (an exec: source, a passphrase command, a flake), opening the OS keyring, reading
 * the client's stdin or prompting on its terminal is refused, and the client then starts the JVM,
 * which does the command the usual way. The refusal is remembered as well as thrown, so code that
 * catches the exception to carry on (a warning, say) cannot make a half-done result look whole.
 *
 * <p>Scoped to the thread that runs the command (a {@link ScopedValue}): the daemon's other
 * requests, and every process that is not the daemon, are unaffected.
 */
public final class Confinement {
    private static final ScopedValue<Confinement> CURRENT = ScopedValue.newInstance();

    private volatile String refused;

    /** Thrown where a confined command reaches for something the daemon does not do. */
    public static final class Refused extends RuntimeException {
        Refused(String what) {
            super("not in the session daemon: " + what, null, false, false);
        }
    }

    /** Runs {@code work} confined; {@link #refused()} then says whether it reached past the daemon. */
    public <T> T run(Callable<T> work) throws Exception {
        return ScopedValue.where(CURRENT, this).call(work::call);
    }

    /** What the confined work reached for, or null when it kept within the daemon. */
    public String refused() {
        return refused;
    }

    /** Whether the calling thread runs a confined command. */
    public static boolean active() {
        return CURRENT.isBound();
    }

    /** Refuses {@code what} when the calling thread runs a confined command; otherwise does nothing. */
    public static void check(String what) {
        if (CURRENT.isBound()) {
            CURRENT.get().refused = what;
            throw new Refused(what);
        }
    }
}
