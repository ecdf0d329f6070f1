package dev.kimen.e2e;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real interactive bash, zsh or fish on a private tmux server, started from private rc files
 * with exactly the given environment. Commands are typed as a user types them; each one ends by
 * creating a marker file, so the test waits for that instead of reading the screen. The prompt
 * hook runs between two typed commands, so what one command observes is what the hook left.
 */
final class ShellPane implements AutoCloseable {
    private static final long WAIT_SECONDS = 60;

    private final String shell;
    private final Path dir;
    private final Path socket;
    private int commands;

    /**
     * @param rc shell code run at start-up, after the environment is set (the hook's eval goes there)
     */
    ShellPane(String shell, Path dir, Map<String, String> env, Path cwd, String rc) {
        this.shell = shell;
        this.dir = dir;
        this.socket = dir.resolve("tmux.sock");
        try {
            Files.createDirectories(dir);
            Path rcFile = dir.resolve("rc." + shell);
            // no history file: a shell killed with its tmux server would write one into HOME
            Files.writeString(rcFile, (shell.equals("fish") ? "" : "unset HISTFILE\n") + rc);
            List<String> argv = switch (shell) {
                case "bash" -> List.of("bash", "--noprofile", "--rcfile", rcFile.toString(), "-i");
                // --private: fish keeps no history, so nothing writes into HOME as it is killed
                case "zsh" -> {
                    Files.writeString(dir.resolve(".zshrc"), "source " + quote(rcFile.toString()) + "\n");
                    yield List.of("zsh", "-d", "-i"); // -d: no /etc/zsh rc files; ZDOTDIR gives ours
                }
                case "fish" -> List.of("fish", "--no-config", "--private", "-i", "-C", "source " + quote(rcFile.toString()));
                default -> throw new IllegalArgumentException(shell);
            };
            var command = new StringBuilder("exec env -i");
            var fullEnv = new TreeMap<>(env);
            fullEnv.put("ZDOTDIR", dir.toString());
            fullEnv.forEach((k, v) -> command.append(' ').append(sh(k + "=" + v)));
            argv.forEach(a -> command.append(' ').append(sh(a)));
            Path start = dir.resolve("start.sh");
            Files.writeString(start, "#!/bin/sh\ncd " + quote(cwd.toString()) + " || exit 1\n" + command + "\n");
            start.toFile().setExecutable(true);
            Files.writeString(dir.resolve("tmux.conf"), "set -g remain-on-exit on\nset -g history-limit 10000\n");
            tmux("-f", dir.resolve("tmux.conf").toString(), "new-session", "-d", "-s", "sh", "-x", "250", "-y", "50",
                    start.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        run(":"); // the shell is up and has drawn its first prompt (its hook ran)
    }

    /** Types {@code line} and waits until it has run; the next prompt's hook runs before the next line. */
    void run(String line) {
        Path marker = dir.resolve("done." + (++commands));
        String end = shell.equals("fish") ? "; echo -n >" : "; : >";
        type(line + end + " " + quote(marker.toString()));
        await("`" + line + "` to finish", () -> Files.exists(marker));
    }

    /**
     * Types {@code line} as {@link #run} does, and answers each prompt it asks as a person would:
     * when the screen shows a prompt of {@code answers} once more than before, types its answer.
     * The prompts answered, in order.
     */
    List<String> runAnswering(String line, Map<String, String> answers) {
        Path marker = dir.resolve("done." + (++commands));
        type(line + "; : > " + quote(marker.toString()));
        var asked = new ArrayList<String>();
        var seen = new java.util.HashMap<String, Integer>();
        answers.keySet().forEach(prompt -> seen.put(prompt, occurrences(screen(), prompt)));
        await("`" + line + "` to finish", () -> {
            if (Files.exists(marker)) {
                return true;
            }
            String screen = screen();
            for (var answer : answers.entrySet()) {
                int shown = occurrences(screen, answer.getKey());
                if (shown > seen.get(answer.getKey()) && !echoes()) { // every prompt here reads without echo
                    seen.put(answer.getKey(), shown);
                    asked.add(answer.getKey());
                    type(answer.getValue());
                }
            }
            return false;
        });
        return asked;
    }

    /** Whether the pane's terminal echoes what is typed (off while kimen reads a secret). */
    private boolean echoes() {
        String tty = tmux("display-message", "-p", "-t", "sh", "#{pane_tty}").strip();
        String settings = Tmux.run(List.of("stty", "-F", tty, "-a"), Map.of("PATH", System.getenv("PATH")));
        return java.util.Arrays.asList(settings.split("[\\s;]+")).contains("echo");
    }

    private static int occurrences(String text, String part) {
        return text.split(java.util.regex.Pattern.quote(part), -1).length - 1;
    }

    /** {@code command}'s standard output, run in the shell (it may use the shell's functions). */
    String output(String command) {
        Path out = dir.resolve("out." + (commands + 1));
        run(command + " > " + quote(out.toString()));
        try {
            return Files.readString(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The environment the shell gives the commands it starts. */
    Map<String, String> env() {
        var env = new TreeMap<String, String>();
        for (String entry : output("env -0").split("\0")) {
            int eq = entry.indexOf('=');
            if (eq > 0) {
                env.put(entry.substring(0, eq), entry.substring(eq + 1));
            }
        }
        return env;
    }

    /** Every variable of the shell, exported or not, as the shell lists them. */
    String variables() {
        return output("set");
    }

    /** The shell's options as it lists them (fish has none to list). */
    String options() {
        return switch (shell) {
            case "bash" -> output("{ set +o; shopt -p; }");
            case "zsh" -> output("setopt");
            default -> "";
        };
    }

    boolean hasFunction(String name) {
        String test = switch (shell) {
            case "bash" -> "declare -F " + name + " >/dev/null";
            case "zsh" -> "functions " + name + " >/dev/null 2>&1";
            default -> "functions -q " + name;
        };
        String then = shell.equals("fish") ? "; echo yes; else; echo no; end" : "; then echo yes; else echo no; fi";
        return output("if " + test + then).strip().equals("yes");
    }

    /** What the terminal shows, scrollback included. */
    String screen() {
        return tmux("capture-pane", "-p", "-J", "-S", "-10000", "-t", "sh");
    }

    /** How many times the screen shows {@code text}. */
    int count(String text) {
        String screen = screen();
        int n = 0;
        for (int i = screen.indexOf(text); i >= 0; i = screen.indexOf(text, i + 1)) {
            n++;
        }
        return n;
    }

    /** Types {@code text} without Enter, then the named keys (tmux key names: Tab, C-c, …). */
    void keys(String text, String... keys) {
        tmux("send-keys", "-t", "sh", "-l", text);
        for (String k : keys) {
            tmux("send-keys", "-t", "sh", k);
        }
    }

    /** Waits until the screen shows {@code text}; the screen. */
    String awaitScreen(String text) {
        await("the screen to show '" + text + "'", () -> screen().contains(text));
        return screen();
    }

    private void type(String text) {
        tmux("send-keys", "-t", "sh", "-l", text);
        tmux("send-keys", "-t", "sh", "Enter");
    }

    private void await(String what, java.util.function.BooleanSupplier done) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("waited " + WAIT_SECONDS + " s for " + what + " in " + shell + "; the terminal shows:\n" + screen());
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /** Ends the shell and waits until it has gone, so nothing of it still writes in the test's files. */
    @Override
    public void close() {
        try {
            long pid = Long.parseLong(tmux("display-message", "-p", "-t", "sh", "#{pane_pid}").strip());
            tmux("kill-server");
            ProcessHandle.of(pid).ifPresent(p -> p.onExit().orTimeout(WAIT_SECONDS, TimeUnit.SECONDS).join());
        } catch (AssertionError | NumberFormatException e) {
            // already gone
        }
    }

    private String tmux(String... args) {
        var command = new ArrayList<>(List.of("tmux", "-S", socket.toString()));
        command.addAll(List.of(args));
        return Tmux.run(command, Map.of("PATH", System.getenv("PATH"), "HOME", dir.toString()));
    }

    /** Whether {@code shell} is installed (bin/test installs all three). */
    static boolean installed(String shell) {
        return Stream.of(System.getenv("PATH").split(":")).anyMatch(d -> Files.isExecutable(Path.of(d, shell)));
    }

    /** A word for the start script (sh). */
    private static String sh(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    /** Single quotes, which bash, zsh, fish and sh all read the same way for text without ' or \. */
    static String quote(String s) {
        if (s.contains("'") || s.contains("\\")) {
            throw new IllegalArgumentException("no quotes or backslashes in test paths: " + s);
        }
        return "'" + s + "'";
    }
}
