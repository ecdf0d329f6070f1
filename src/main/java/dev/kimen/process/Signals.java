package dev.kimen.process;

import java.util.ArrayList;
import java.util.List;
import sun.misc.Signal;

/**
 * Catches, for the life of a child process, every signal that would end kimen and that the JVM
 * lets a program handle (SIGINT, SIGTERM, SIGHUP, and SIGUSR1, SIGALRM and the others that would
 * end the JVM without a word, leaving the command running and its files behind), and sends each
 * on to the child with {@code kill(2)} (the JDK can only send SIGTERM and SIGKILL): the child
 * decides, and kimen cleans up when it ends. The sending goes through the native helper
 * ({@link NativeSignals}) when the launcher provides one, else through the FFM API ({@link Libc}).
 * {@code sun.misc.Signal} is the JDK's supported-but-unofficial signal API (module jdk.unsupported);
 * no library does this better on the JVM.
 *
 * <p>SIGQUIT the JVM keeps for thread dumps and refuses a Java handler for ({@code -Xrs}, which
 * frees it, makes the JVM refuse handlers for the other three: JDK 25.0.3), so it goes through a
 * small native handler in that helper; so do SIGINT, SIGTERM and SIGHUP when the helper is there,
 * because only a native handler sees that the terminal sent a signal to the child's group too
 * (one Ctrl-C must reach the command once, not twice).
 */
public final class Signals implements AutoCloseable {
    /** By name, as {@link Signal} knows them on Linux; one the JVM keeps for itself (USR2) is skipped. */
    public static final List<String> FORWARDED = List.of("INT", "TERM", "HUP", "USR1", "USR2", "ALRM", "VTALRM",
            "PROF", "XCPU", "IO", "PWR", "STKFLT");
    /**
     * What a terminal sends its foreground group (and TERM, sent with them at logout): taken by the
     * native handler when there is one, which forwards only what the child did not get already.
     */
    private static final List<String> FROM_TERMINAL = List.of("INT", "TERM", "HUP");

    private final List<Signal> installed = new ArrayList<>();
    private final List<sun.misc.SignalHandler> previous = new ArrayList<>();
    private final NativeSignals helper;
    /** The signal numbers the native handler forwards (SIGQUIT among them when it could). */
    private final List<Integer> natively = new ArrayList<>();
    private final List<Integer> pending = new ArrayList<>();
    private long pid;

    private Signals(NativeSignals helper) {
        this.helper = helper;
        if (helper != null && helper.catchNatively(NativeSignals.SIGQUIT)) {
            natively.add(NativeSignals.SIGQUIT);
        }
    }

    /**
     * Starts catching the signals. Call before starting the child, so none can arrive between its
     * start and the handlers; what arrives before {@link #forwardTo} is delivered then.
     */
    public static Signals catchForChild() {
        var s = new Signals(NativeSignals.get().orElse(null));
        for (String name : FORWARDED) {
            try {
                Signal signal = new Signal(name);
                if (s.helper != null && FROM_TERMINAL.contains(name) && s.helper.catchNatively(signal.getNumber())) {
                    s.natively.add(signal.getNumber());
                    continue;
                }
                s.previous.add(Signal.handle(signal, sig -> s.deliver(sig.getNumber())));
                s.installed.add(signal);
            } catch (IllegalArgumentException e) {
                // a signal the JVM reserves for itself (or this system lacks)
            }
        }
        return s;
    }

    /** From now on signals go to {@code childPid}, starting with any that arrived before. */
    public synchronized void forwardTo(long childPid) {
        pid = childPid;
        if (!natively.isEmpty()) {
            helper.forwardTo(childPid);
        }
        pending.forEach(this::deliver);
        pending.clear();
    }

    private synchronized void deliver(int signal) {
        if (pid == 0) {
            pending.add(signal);
            return;
        }
        // false when the child is gone: nothing left to tell
        boolean ignored = helper != null ? helper.send(pid, signal) : Libc.kill(pid, signal);
    }

    @Override
    public void close() {
        natively.forEach(helper::releaseNatively);
        for (int i = 0; i < installed.size(); i++) {
            Signal.handle(installed.get(i), previous.get(i));
        }
    }
}
