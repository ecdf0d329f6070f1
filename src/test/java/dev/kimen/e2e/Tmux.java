package dev.kimen.e2e;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * A private tmux server (its own socket, in the test's temp dir) that runs bin/kimen on a real
 * terminal, 200x50. Each run gets its own session running a wrapper script that sets the private
 * environment exactly ({@code env -i}), sends stderr to a file and writes the exit code to a file:
 * nothing is parsed off the screen but what the screen is for. Panes stay after their command
 * exits ({@code remain-on-exit}) so the last screen can still be read.
 */
final class Tmux implements AutoCloseable {
    private static final long WAIT_SECONDS = 30;

    private final Path dir;
    private final Path socket;
    private final Path conf;
    private final OutputLog log;
    private int runs;

    /** A bin/kimen run in its own session: stdout and the prompts on the terminal, stderr in a file. */
    record Pane(String session, List<String> args, Path exitFile, Path stderrFile) {
        String stderr() {
            try {
                return Files.readString(stderrFile, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    Tmux(Path dir, OutputLog log) {
        this.dir = dir;
        this.socket = dir.resolve("socket"); // -S, not -L: the socket goes away with the temp dir
        this.log = log;
        try {
            Files.createDirectories(dir);
            conf = Files.writeString(dir.resolve("tmux.conf"), "set -g remain-on-exit on\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Pane start(Kimen kimen, String... args) {
        int n = ++runs;
        var pane = new Pane("run" + n, List.of(args), dir.resolve("run" + n + ".exit"),
                dir.resolve("run" + n + ".err"));
        var command = new StringBuilder("env -i");
        new TreeMap<>(kimen.env()).forEach((k, v) -> command.append(' ').append(quote(k + "=" + v)));
        command.append(' ').append(quote(kimen.launcher().toString()));
        for (String a : args) {
            command.append(' ').append(quote(a));
        }
        String script = "#!/bin/sh\n"
                + "cd " + quote(kimen.home().toString()) + " || exit 1\n"
                + command + " 2>" + quote(pane.stderrFile().toString()) + "\n"
                + "echo $? >" + quote(pane.exitFile() + ".tmp") + " && mv " + quote(pane.exitFile() + ".tmp") + " "
                + quote(pane.exitFile().toString()) + "\n";
        try {
            Path file = dir.resolve("run" + n + ".sh");
            Files.writeString(file, script);
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
            tmux("new-session", "-d", "-s", pane.session(), "-x", "200", "-y", "50", file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return pane;
    }

    /** What the pane shows now (its scrollback included). */
    String screen(Pane pane) {
        return tmux("capture-pane", "-p", "-J", "-S", "-100", "-t", pane.session());
    }

    /** Waits until {@code prompt} shows and the terminal no longer echoes: then typing is safe to check. */
    void awaitPrompt(Pane pane, String prompt) {
        awaitPrompt(pane, prompt, 1);
    }

    /** Waits until the screen shows {@code prompt} for the {@code nth} time, echo off: a prompt asked again. */
    void awaitPrompt(Pane pane, String prompt, int nth) {
        awaitQuestion(pane, prompt, nth);
        await("the terminal to stop echoing at the prompt '" + prompt + "'", () -> !echoes(pane), () -> screen(pane));
    }

    /** Waits until {@code question} shows (an answer is echoed, as any typed line is). */
    void awaitQuestion(Pane pane, String question) {
        awaitQuestion(pane, question, 1);
    }

    private void awaitQuestion(Pane pane, String question, int nth) {
        await("the prompt '" + question + "' (" + nth + ")", () -> {
            if (Files.exists(pane.exitFile())) {
                fail("kimen " + pane.args() + " exited before prompting for '" + question + "'; stderr:\n"
                        + pane.stderr() + "\nterminal:\n" + screen(pane));
            }
            return screen(pane).split(java.util.regex.Pattern.quote(question), -1).length > nth;
        }, () -> screen(pane));
    }

    /** Presses {@code key} (a tmux key name: C-c, C-\\, …), as a user would. */
    void press(Pane pane, String key) {
        tmux("send-keys", "-t", pane.session(), key);
    }

    /** Types {@code text} and Enter, as a user would. */
    void type(Pane pane, String text) {
        tmux("send-keys", "-t", pane.session(), "-l", text);
        tmux("send-keys", "-t", pane.session(), "Enter");
    }

    /** Waits for the run to end; logs its screen and stderr for the canary check; returns its exit code. */
    int awaitExit(Pane pane) {
        await("kimen " + pane.args() + " to exit", () -> Files.exists(pane.exitFile()), () -> screen(pane));
        log.addScreen(pane.args(), screen(pane));
        log.add(pane.args(), new byte[0], pane.stderr());
        try {
            return Integer.parseInt(Files.readString(pane.exitFile()).strip());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether the pane's terminal has echo on, as {@code stty} reports it. */
    private boolean echoes(Pane pane) {
        String tty = tmux("display-message", "-p", "-t", pane.session(), "#{pane_tty}").strip();
        String settings = run(List.of("stty", "-F", tty, "-a"), Map.of("PATH", System.getenv("PATH")));
        return Arrays.asList(settings.split("[\\s;]+")).contains("echo");
    }

    @Override
    public void close() {
        try {
            tmux("kill-server");
        } catch (AssertionError e) {
            // the server had already gone
        }
    }

    private String tmux(String... args) {
        var command = new ArrayList<>(List.of("tmux", "-S", socket.toString(), "-f", conf.toString()));
        command.addAll(List.of(args));
        return run(command, Map.of("PATH", System.getenv("PATH"), "HOME", dir.toString()));
    }

    /** Runs {@code command} (stdin empty) with exactly {@code env}; its output, or an AssertionError when it fails. */
    static String run(List<String> command, Map<String, String> env) {
        try {
            var pb = new ProcessBuilder(command).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(
                    new java.io.File("/dev/null")));
            pb.environment().clear();
            pb.environment().putAll(env);
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(WAIT_SECONDS, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new AssertionError(command + " failed: " + out);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Polls {@code condition} until it holds; fails after {@value #WAIT_SECONDS} s with {@code diagnostics}. */
    static void await(String what, BooleanSupplier condition, Supplier<String> diagnostics) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("waited " + WAIT_SECONDS + " s for " + what + "; the terminal shows:\n" + diagnostics.get());
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
