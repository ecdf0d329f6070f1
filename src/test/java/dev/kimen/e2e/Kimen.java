package dev.kimen.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.grack.nanojson.JsonObject;
import com.grack.nanojson.JsonParser;
import com.grack.nanojson.JsonParserException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real {@code bin/kimen} as a subprocess in a private environment: {@code HOME} and
 * {@code XDG_CONFIG_HOME} inside the test's temp dir, {@code PATH} (and {@code JAVA_HOME}, which
 * only picks the JDK) inherited, nothing else from the outer environment, so no {@code KIMEN_*}
 * leaks in. Every result goes to the test class's {@link OutputLog}.
 *
 * <p>Each run starts in a new session ({@code setsid}), so the process has no controlling
 * terminal even when Maven runs in one: a missing passphrase is an error, never a hanging prompt.
 * {@code setsid} execs in place (a child of the JVM is never a process-group leader), so the
 * {@link Process}'s pid is the launcher's and then, after its {@code exec}, the kimen JVM's.
 */
final class Kimen {
    static final Path LAUNCHER = Path.of("bin/kimen").toAbsolutePath();
    static final Path MIMA = Path.of("bin/mima").toAbsolutePath();
    private static final Path SETSID = Path.of("/usr/bin/setsid");
    private static final long TIMEOUT_SECONDS = 60;
    /** Under HOME: where runs' outputs are kept for the {@link OutputLog}. */
    static final String IO_DIR = ".e2e-io";

    private final Map<String, String> env;
    private final Path scratch;
    private final OutputLog log;
    private final Path workingDir; // null: HOME
    private final Path launcher;

    private Kimen(Map<String, String> env, Path scratch, OutputLog log) {
        this(env, scratch, log, null, LAUNCHER);
    }

    private Kimen(Map<String, String> env, Path scratch, OutputLog log, Path workingDir, Path launcher) {
        this.env = Map.copyOf(env);
        this.scratch = scratch;
        this.log = log;
        this.workingDir = workingDir;
        this.launcher = launcher;
    }

    /** bin/kimen or bin/mima. */
    Path launcher() {
        return launcher;
    }

    /** The same user, running bin/mima instead of bin/kimen. */
    Kimen mima() {
        return new Kimen(env, scratch, log, workingDir, MIMA);
    }

    /**
     * This user keeps mima's secrets in kimen's vault ({@code kimen config mima-store vault}), as a
     * user on a machine with no OS keyring chooses to; a group's bare names are then vault secrets.
     */
    Kimen withMimaStoreVault() {
        run("config", "mima-store", "vault").ok();
        return this;
    }

    /** The same user, running {@code launcher} (an installed kimen or mima) instead of bin/kimen. */
    Kimen using(Path launcher) {
        return new Kimen(env, scratch, log, workingDir, launcher);
    }

    /** A private user whose home is {@code home} (created); outputs are kept under it too. */
    static Kimen in(Path home, OutputLog log) {
        try {
            Files.createDirectories(home);
            log.watch(home);
            return new Kimen(privateEnv(home), Files.createDirectories(home.resolve(IO_DIR)), log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Exactly {@code env}, nothing inherited (for launcher tests). */
    static Kimen withExactEnv(Map<String, String> env, Path scratch, OutputLog log) {
        if (env.containsKey("HOME")) {
            log.watch(Path.of(env.get("HOME")));
        }
        return new Kimen(env, scratch, log);
    }

    /** Where {@code tool} is on this process's PATH, or null. */
    static Path onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path candidate = Path.of(dir, tool);
            if (!dir.isEmpty() && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    private static Map<String, String> privateEnv(Path home) {
        var env = new HashMap<String, String>();
        env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin"));
        String javaHome = System.getenv("JAVA_HOME");
        if (javaHome != null) {
            env.put("JAVA_HOME", javaHome);
        }
        env.put("HOME", home.toString());
        env.put("XDG_CONFIG_HOME", home.resolve(".config").toString());
        env.put("LANG", "C.UTF-8"); // argv holds UTF-8 names (the upstream fixture's unicode.näme)
        return env;
    }

    /** The same user with {@code name=value} added to the environment. */
    Kimen with(String name, String value) {
        var next = new HashMap<>(env);
        next.put(name, value);
        return new Kimen(next, scratch, log, workingDir, launcher);
    }

    /** The same user, running kimen in {@code dir} instead of {@code HOME}. */
    Kimen at(Path dir) {
        return new Kimen(env, scratch, log, dir, launcher);
    }

    Map<String, String> env() {
        return env;
    }

    Path home() {
        return Path.of(env.get("HOME"));
    }

    /** {@code $XDG_CONFIG_HOME/kimen/vault.kv}: where a vault goes when nothing else is said. */
    Path defaultVault() {
        return Path.of(env.get("XDG_CONFIG_HOME"), "kimen", "vault.kv");
    }

    /** Runs with stdin at end of file. */
    Result run(String... args) {
        return start(null, args).finish();
    }

    Result runWithStdin(byte[] stdin, String... args) {
        return start(stdin, args).finish();
    }

    Result runWithStdin(String stdin, String... args) {
        return runWithStdin(stdin.getBytes(StandardCharsets.UTF_8), args);
    }

    /** Starts bin/kimen; {@code stdin} null means an empty stdin. Outputs go to files, so no pipe can fill up. */
    Running start(byte[] stdin, String... args) {
        try {
            Path io = Files.createTempDirectory(scratch, "run");
            Path in = io.resolve("stdin");
            Files.write(in, stdin == null ? new byte[0] : stdin);
            var command = new ArrayList<String>();
            if (Files.isExecutable(SETSID)) {
                command.add(SETSID.toString());
            }
            command.add(launcher.toString());
            command.addAll(Arrays.asList(args));
            var pb = new ProcessBuilder(command)
                    .directory((workingDir == null ? home() : workingDir).toFile())
                    .redirectInput(in.toFile())
                    .redirectOutput(io.resolve("stdout").toFile())
                    .redirectError(io.resolve("stderr").toFile());
            pb.environment().clear();
            pb.environment().putAll(env);
            return new Running(pb.start(), List.of(args), io, log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A started bin/kimen. */
    record Running(Process process, List<String> args, Path io, OutputLog log) {
        /** Waits for the exit (or the kill), reads what it wrote and logs it. */
        Result finish() {
            try {
                if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor();
                    throw new AssertionError("kimen " + args + " did not finish in " + TIMEOUT_SECONDS + " s");
                }
                var result = new Result(args, process.exitValue(), Files.readAllBytes(io.resolve("stdout")),
                        Files.readString(io.resolve("stderr"), StandardCharsets.UTF_8));
                log.add(result.args(), result.stdout(), result.stderr());
                return result;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for kimen " + args, e);
            }
        }
    }

    /** What one run did. */
    record Result(List<String> args, int exit, byte[] stdout, String stderr) {
        String out() {
            return new String(stdout, StandardCharsets.UTF_8);
        }

        /** stdout's lines. */
        List<String> lines() {
            String text = out();
            if (text.isEmpty()) {
                return List.of();
            }
            return List.of((text.endsWith("\n") ? text.substring(0, text.length() - 1) : text).split("\n", -1));
        }

        /** Asserts success and returns this. */
        Result ok() {
            assertEquals(0, exit, this::describe);
            return this;
        }

        /** The success payload on stdout: exactly one line of JSON with ok, exit_code 0 and an action (DESIGN §7). */
        JsonObject json() {
            ok();
            JsonObject payload = parseOneLine(out(), "stdout");
            assertEquals(true, payload.get("ok"), this::describe);
            assertEquals(0, payload.getInt("exit_code"), this::describe);
            assertEquals(false, payload.getString("action", "").isEmpty(), this::describe);
            return payload;
        }

        /**
         * Asserts the failure {@code exit}/{@code reason} as DESIGN §7 shapes it under --json: nothing
         * on stdout and exactly the envelope {"ok":false,"error":…,"exit_code":N,"reason":…} on stderr.
         */
        JsonObject failsWith(int exitCode, String reason) {
            assertEquals(exitCode, exit, this::describe);
            assertEquals(0, stdout.length, () -> "stdout of a failure must be empty\n" + describe());
            JsonObject envelope = parseOneLine(stderr, "stderr");
            assertEquals(false, envelope.get("ok"), this::describe);
            assertEquals(exitCode, envelope.getInt("exit_code"), this::describe);
            assertEquals(reason, envelope.getString("reason"), this::describe);
            assertEquals(false, envelope.getString("error", "").isBlank(), this::describe);
            return envelope;
        }

        /**
         * A report that may be a failure (preflight, conflicts --strict, bare sync): one JSON line
         * on stdout whatever the outcome, with {@code exit_code} and, on failure, {@code reason}.
         */
        JsonObject report(int exitCode, String reason) {
            assertEquals(exitCode, exit, this::describe);
            JsonObject report = parseOneLine(out(), "stdout");
            assertEquals(exitCode, report.getInt("exit_code"), this::describe);
            assertEquals(exitCode == 0, report.getBoolean("ok"), this::describe);
            assertEquals(reason, report.getString("reason"), this::describe);
            return report;
        }

        /** Human (non-JSON) failure: the exit code and a {@code kimen: error:} line, nothing on stdout. */
        void failsHumanly(int exitCode) {
            assertEquals(exitCode, exit, this::describe);
            assertEquals(0, stdout.length, () -> "stdout of a failure must be empty\n" + describe());
            assertEquals(true, stderr.startsWith("kimen: error: "), this::describe);
        }

        private JsonObject parseOneLine(String text, String stream) {
            String line = text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
            if (line.isEmpty() || line.contains("\n")) {
                throw new AssertionError("expected exactly one line of JSON on " + stream + "\n" + describe());
            }
            try {
                return JsonParser.object().from(line);
            } catch (JsonParserException e) {
                throw new AssertionError("not JSON on " + stream + ": " + e.getMessage() + "\n" + describe(), e);
            }
        }

        String describe() {
            return "kimen " + args + " exited " + exit + "\n--- stdout ---\n" + out() + "\n--- stderr ---\n" + stderr;
        }
    }
}
