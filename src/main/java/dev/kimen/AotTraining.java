package dev.kimen;

import dev.kimen.cli.Cli;
import dev.kimen.cli.Context;
import dev.kimen.cli.MimaCommand;
import dev.kimen.fs.PrivateFiles;
import dev.kimen.term.Terminal;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;

/**
 * The training run for the launcher's AOT cache (JEP 483/515): the launcher starts this class once
 * with {@code -XX:AOTCacheOutput} after each build, and the classes it loads and links, and the
 * method profiles it gathers, are what every later kimen start finds ready in the cache. So it does
 * what users do most, in-process against a throwaway vault in a private temporary HOME: start-up
 * ({@code --version}, help), unlock, {@code secret get|set|list}, {@code run} with the passphrase and
 * then through a session, {@code plan}, the shell hook, a failure, and mima's surface. Nothing it
 * does reaches the user's HOME, vault or session; its output goes nowhere.
 */
public final class AotTraining {
    private static final String PASSPHRASE = "aot-training-passphrase";

    private AotTraining() {}

    public static void main(String[] args) throws IOException {
        Path home = Files.createTempDirectory("kimen-aot-training",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        try {
            train(home);
        } finally {
            PrivateFiles.deleteTree(home);
        }
        System.exit(0);
    }

    private static void train(Path home) throws IOException {
        Path runtime = Files.createDirectory(home.resolve("run"));
        var env = new HashMap<String, String>();
        env.put("HOME", home.toString());
        env.put("XDG_RUNTIME_DIR", runtime.toString());
        env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        env.put("KIMEN_PASSPHRASE", PASSPHRASE);
        env.put("KIMEN_NEW_PASSPHRASE", PASSPHRASE);

        kimen(env, home, "--version");
        kimen(env, home, "--help");
        kimen(env, home, "vault", "init");
        kimenWithStdin(env, home, "training-value", "secret", "set", "app.token", "--stdin");
        kimen(env, home, "secret", "get", "app.token");
        kimen(env, home, "secret", "list", "--json");
        kimen(env, home, "run", "--env", "TOKEN=app.token", "--", "true");
        kimen(env, home, "plan", "--env", "TOKEN=app.token", "--", "true");
        kimen(env, home, "secret", "get", "no.such.secret");
        kimen(env, home, "hook", "bash");
        kimen(env, home, "session", "start", "--ttl", "1m");
        var locked = new HashMap<>(env);
        locked.remove("KIMEN_PASSPHRASE");
        kimen(locked, home, "run", "--env", "TOKEN=app.token", "--", "true");
        kimen(locked, home, "secret", "get", "app.token");
        kimen(env, home, "session", "stop");
        run(env, home, MimaCommand.class, new byte[0], "--help");
    }

    private static void kimen(Map<String, String> env, Path cwd, String... args) {
        run(env, cwd, null, new byte[0], args);
    }

    private static void kimenWithStdin(Map<String, String> env, Path cwd, String stdin, String... args) {
        run(env, cwd, null, stdin.getBytes(StandardCharsets.UTF_8), args);
    }

    private static void run(Map<String, String> env, Path cwd, Class<?> root, byte[] stdin, String... args) {
        var nowhere = new PrintStream(OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8);
        var ctx = new Context(new ByteArrayInputStream(stdin), nowhere, nowhere, env, Terminal.none(), cwd);
        if (root == null) {
            Cli.run(ctx, args);
        } else {
            Cli.run(ctx, root, args);
        }
    }
}
