package dev.kimen.session;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Starts the session daemon: the same {@code java} and class path as this command, a small heap,
 * an environment of {@code LANG=C.UTF-8} only (it must not inherit {@code KIMEN_PASSPHRASE} or anything else), its
 * working directory at {@code /}, stdin and stderr on nothing. Its one line on stdout says how
 * start-up went; the key goes to it afterwards, over the socket like any request.
 */
final class DaemonLauncher {
    static final String MAIN = "dev.kimen.SessionMain";
    static final Duration START_LIMIT = Duration.ofSeconds(20);
    /**
     * A daemon that answers small requests needs little: a small serial-GC heap, no perf-data
     * file in /tmp, and no attach listener (jcmd could otherwise dump its heap). It runs commands
     * for the native client (FastRun), so its JIT is C1 alone, on one thread: measured, a
     * {@code run --env} plan took 19 ms interpreted (-Xint) and 5.5 ms so, for 44.5 against 55 MiB
     * resident once it had planned; the native heap trimmed every 2 s gives back the compiler's
     * arenas, which brings that to 50 MiB (bench/README.md argues the trade). No class-data sharing either: the JDK's CDS
     * archive is mapped whole and relocated (its pages written), and once the daemon plans runs
     * for the native client (loading the command line's classes) it measured 46.6 MiB idle with
     * the archive, 44 MiB without, its start no slower. A crash writes no hs_err file and no core
     * (either would hold the keys it keeps): its report goes to stderr.
     */
    static final List<String> JVM_FLAGS = List.of("-Xms2m", "-Xmx16m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "-XX:CICompilerCount=1", "-XX:ReservedCodeCacheSize=8m", "-XX:TrimNativeHeapInterval=2000", "-Xss256k", "-XX:-UsePerfData", "-XX:+DisableAttachMechanism",
            "-Xshare:off", "-XX:+ErrorFileToStderr", "-XX:-CreateCoredumpOnCrash", "--enable-native-access=ALL-UNNAMED");

    private DaemonLauncher() {}

    static void launch(SessionDir where) {
        var command = new ArrayList<String>();
        command.add(ProcessHandle.current().info().command().orElseThrow(() -> KimenException.of(Reason.SESSION_FAILED,
                "cannot tell which java runs kimen, so cannot start the session daemon")));
        command.addAll(JVM_FLAGS);
        command.addAll(List.of("-cp", absoluteClassPath(), MAIN, where.dir().toString()));
        var builder = new ProcessBuilder(command).directory(new File("/"))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        builder.environment().clear();
        // only the locale, so that file names are UTF-8 (without it, the JVM takes them as ASCII and
        // cannot plan a run in a directory with a non-ASCII name)
        builder.environment().put("LANG", "C.UTF-8");
        Process daemon;
        try {
            daemon = builder.start();
        } catch (IOException e) {
            throw KimenException.of(Reason.SESSION_FAILED, "cannot start the session daemon: " + e.getMessage());
        }
        String line = firstLine(daemon);
        if ("ready".equals(line)) {
            return;
        }
        if ("busy".equals(line)) {
            awaitOther(where); // another `session start` got there first
            return;
        }
        throw KimenException.of(Reason.SESSION_FAILED, "the session daemon did not start: "
                + (line != null && line.startsWith("error ") ? line.substring(6) : "it exited during start-up"));
    }

    /** The daemon's report, or null when it exits (or hangs) without one. */
    private static String firstLine(Process daemon) {
        var out = new BufferedReader(new InputStreamReader(daemon.getInputStream(), StandardCharsets.UTF_8));
        try (out; var deadline = new Deadline(out, START_LIMIT)) {
            return out.readLine();
        } catch (IOException e) {
            return null;
        }
    }

    /** Waits for the daemon another start launched to answer. */
    private static void awaitOther(SessionDir where) {
        var client = new SessionClient(where);
        long until = System.nanoTime() + START_LIMIT.toNanos();
        while (!client.answers()) {
            if (System.nanoTime() > until) {
                throw KimenException.of(Reason.SESSION_FAILED, "another session daemon is starting but does not answer",
                        "check with: kimen session status");
            }
            try {
                Thread.sleep(25);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw KimenException.of(Reason.SESSION_FAILED, "interrupted while waiting for the session daemon");
            }
        }
    }

    /** The class path with each entry absolute, since the daemon runs in {@code /}. */
    private static String absoluteClassPath() {
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .map(entry -> Path.of(entry).toAbsolutePath().toString())
                .collect(Collectors.joining(File.pathSeparator));
    }
}
