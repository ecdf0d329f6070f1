package dev.kimen.projection.run;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import dev.kimen.crypto.SecretBytes;
import dev.kimen.process.Signals;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Starts a command directly (no shell) with an explicit environment, forwards to it every signal
 * that would end kimen (see {@link Signals}), and returns its exit status: 128+n when it died of
 * signal n. Should kimen die anyway (SIGKILL, a crash), the command is ended too ({@code kimen-exec}).
 */
public final class Runner {
    private Runner() {}

    /**
     * @param stdin the child's stdin, or null to share kimen's
     */
    public static int run(List<String> argv, Map<String, String> env, SecretBytes stdin, Path cwd) {
        return run(argv, env, stdin, cwd, null);
    }

    /**
     * @param masker when not null, the child's stdout and stderr come through kimen, masked
     *               ({@code run --mask}); else the child has kimen's own
     */
    public static int run(List<String> argv, Map<String, String> env, SecretBytes stdin, Path cwd, Masker masker) {
        // The JDK would search kimen's PATH; the command's own PATH (which a map may set) decides, as with env(1).
        var resolved = new java.util.ArrayList<>(argv);
        resolved.set(0, resolve(argv.getFirst(), env.getOrDefault("PATH", ""), cwd).toString());
        env.forEach((name, value) -> {
            if (dev.kimen.text.Utf8.hasEscapes(value)) { // the JDK would turn each such byte into '?'
                throw KimenException.of(Reason.INVALID_VALUE, "the value for " + name + " is not UTF-8 text, which a"
                                + " command kimen starts and waits for cannot get intact",
                        "run it with --exec (kimen passes any bytes to an exec'd command), or project it as a file");
            }
        });
        var builder = new ProcessBuilder(throughStarter(resolved)).directory(cwd.toFile()).inheritIO();
        builder.environment().clear();
        builder.environment().putAll(env);
        if (stdin != null) {
            builder.redirectInput(ProcessBuilder.Redirect.PIPE);
        }
        if (masker != null) {
            builder.redirectOutput(ProcessBuilder.Redirect.PIPE).redirectError(ProcessBuilder.Redirect.PIPE);
        }
        dev.kimen.process.Libc.notDumpable(); // holding the child's values: no core dump of them (a no-op when Main did it)
        try (Signals signals = Signals.catchForChild()) {
            Process child;
            try {
                child = builder.start();
            } catch (IOException e) {
                throw KimenException.of(Reason.COMMAND_NOT_STARTED, "could not start " + argv.getFirst() + ": " + e.getMessage());
            }
            signals.forwardTo(child.pid());
            if (stdin != null) {
                feed(child.getOutputStream(), stdin);
            }
            List<Thread> pumps = masker == null ? List.of() : List.of(
                    pump(masker, child.getInputStream(), new FileOutputStream(FileDescriptor.out), "kimen-mask-out"),
                    pump(masker, child.getErrorStream(), new FileOutputStream(FileDescriptor.err), "kimen-mask-err"));
            int status;
            while (true) {
                try {
                    status = child.waitFor();
                    break;
                } catch (InterruptedException e) {
                    // keep waiting: the child decides when this ends
                }
            }
            for (Thread pump : pumps) {
                try {
                    // the child's end closed with it; a grandchild holding it open is not waited for long
                    pump.join(java.time.Duration.ofSeconds(2));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return status;
        }
    }

    /**
     * The command line that starts {@code command}: through {@code kimen-exec} when the build made
     * it, which has the kernel end the command (SIGTERM) should kimen die before it, even by
     * SIGKILL; else the command itself. The parent-death signal follows the thread that started
     * the child, and this thread waits for it to end.
     */
    private static List<String> throughStarter(List<String> command) {
        return dev.kimen.process.NativeLibrary.executable("kimen-exec").map(starter -> {
            var line = new java.util.ArrayList<String>(List.of(starter.toString(),
                    Long.toString(ProcessHandle.current().pid()), command.getFirst()));
            line.addAll(command);
            return (List<String>) line;
        }).orElse(command);
    }

    /**
     * Replaces kimen with the command ({@link dev.kimen.process.Exec}): same PID, same descriptors 0-2,
     * the command's own signals and exit status. Returns only by throwing: 126/127 as {@link #run}
     * says them, else {@code command_not_started}.
     */
    public static void exec(List<String> argv, Map<String, String> env, Path cwd) {
        Path program = resolve(argv.getFirst(), env.getOrDefault("PATH", ""), cwd);
        try {
            dev.kimen.process.Exec.replace(program, argv, env, cwd);
        } catch (dev.kimen.process.Exec.Failed e) {
            throw KimenException.of(Reason.COMMAND_NOT_STARTED, "could not exec " + argv.getFirst() + ": " + e.getMessage());
        }
    }

    private static Thread pump(Masker masker, InputStream from, OutputStream to, String name) {
        return Thread.ofPlatform().daemon().name(name).start(() -> {
            try (from) {
                masker.pump(from, to);
            } catch (IOException ignored) {
                // our own stdout or stderr closed (a pipe whose reader left): the child finds out on its own
            }
        });
    }

    /** Writes the value on a side thread so a child that never reads cannot block kimen. */
    private static void feed(OutputStream in, SecretBytes value) {
        byte[] bytes = value.reveal();
        Thread.ofPlatform().daemon().name("kimen-stdin").start(() -> {
            try (in) {
                in.write(bytes);
            } catch (IOException ignored) {
                // the child closed its stdin early: its choice
            } finally {
                java.util.Arrays.fill(bytes, (byte) 0);
            }
        });
    }

    /**
     * Finds the command as execvp(3) would, to tell "not found" (127) from "not executable" (126)
     * before starting it: the JDK's start failure carries no errno to tell them apart.
     */
    public static Path resolve(String command, String path, Path cwd) {
        List<Path> candidates = command.contains("/") ? List.of(cwd.resolve(command))
                : java.util.Arrays.stream(path.split(":", -1))
                        .map(dir -> cwd.resolve(dir.isEmpty() ? "." : dir).resolve(command)).toList();
        boolean exists = false;
        for (Path candidate : candidates) {
            if (Files.isRegularFile(candidate)) {
                if (Files.isExecutable(candidate)) {
                    return candidate.toAbsolutePath();
                }
                exists = true;
            }
        }
        if (exists || command.contains("/") && Files.exists(cwd.resolve(command))) {
            throw KimenException.of(Reason.COMMAND_NOT_EXECUTABLE, "command is not executable: " + command);
        }
        throw KimenException.of(Reason.COMMAND_NOT_FOUND, "command not found: " + command,
                "kimen runs the command without a shell; give a program on PATH or a path to it");
    }
}
