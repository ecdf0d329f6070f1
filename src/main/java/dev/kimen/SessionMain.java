package dev.kimen;

import dev.kimen.process.Libc;
import dev.kimen.session.SessionDaemon;
import dev.kimen.session.SessionDir;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;

/**
 * The session daemon's entry point, started by {@code kimen session start} (never by hand): its
 * one argument is the session directory. It reports one line on stdout, {@code ready},
 * {@code busy} (another daemon holds the directory) or {@code error <why>}, then closes stdout
 * and serves until stopped.
 */
public final class SessionMain {
    private SessionMain() {}

    public static void main(String[] args) {
        PrintStream out = System.out;
        Libc.setsid(); // leave the terminal's session: closing it or Ctrl-C there does not end the daemon
        Libc.notDumpable(); // no core dumps, no ptrace or /proc/<pid>/mem reads by same-user processes
        try {
            if (args.length != 1) {
                throw new IllegalArgumentException("usage: SessionMain <session dir>");
            }
            Optional<SessionDaemon> daemon = SessionDaemon.open(new SessionDir(Path.of(args[0]), "argument"),
                    Clock.systemUTC(), new dev.kimen.cli.FastRun());
            if (daemon.isEmpty()) {
                report(out, "busy");
                System.exit(0);
            }
            SessionDaemon.preload();
            report(out, "ready");
            out.close();
            daemon.get().serve();
            System.exit(0);
        } catch (IOException | RuntimeException e) {
            report(out, "error " + e.getMessage());
            System.exit(1);
        }
    }

    private static void report(PrintStream out, String line) {
        out.println(line);
        out.flush();
    }
}
