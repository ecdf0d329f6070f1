package dev.kimen.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The session daemons running on this machine, found by their command line (as {@code ps} would). */
final class Daemons {
    private static final String MAIN = "dev.kimen.SessionMain";

    private Daemons() {}

    /** Every live session daemon whose session directory is {@code dir}. */
    static List<ProcessHandle> serving(Path dir) {
        return ProcessHandle.allProcesses()
                .filter(p -> {
                    List<String> args = cmdline(p.pid());
                    return args.contains(MAIN) && args.getLast().equals(dir.toString());
                })
                .toList();
    }

    /** The one daemon serving {@code dir}; fails when there is none or more than one. */
    static ProcessHandle only(Path dir) {
        List<ProcessHandle> found = serving(dir);
        if (found.size() != 1) {
            throw new AssertionError("expected one session daemon for " + dir + ", found " + found.size());
        }
        return found.getFirst();
    }

    /** The process's argv, read from {@code /proc} (empty once it is gone). */
    static List<String> cmdline(long pid) {
        String raw = new String(proc(pid, "cmdline"), java.nio.charset.StandardCharsets.UTF_8);
        return raw.isEmpty() ? List.of() : List.of(raw.split("\0"));
    }

    static byte[] proc(long pid, String file) {
        try {
            return Files.readAllBytes(Path.of("/proc", Long.toString(pid), file));
        } catch (IOException e) {
            return new byte[0];
        }
    }

    /** SIGKILLs every daemon of {@code dir} and waits for them to go. */
    static void killAll(Path dir) {
        for (ProcessHandle p : serving(dir)) {
            p.destroyForcibly();
            p.onExit().join();
        }
    }
}
