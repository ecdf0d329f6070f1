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
        Map<String, String> env = environment(home);
        // Interrupted (Ctrl-C on the first start after a build): no daemon, no directory left behind.
        Thread cleanup = new Thread(() -> {
            run(env, home, null, new byte[0], "session", "stop");
            PrivateFiles.deleteTree(home);
        });
        Runtime.getRuntime().addShutdownHook(cleanup);
        int failed = train(env, home);
        // a step that failed trained less than it should: no cache (the launcher says so), not a poor one
        System.exit(failed == 0 ? 0 : 1);
    }

    private static Map<String, String> environment(Path home) throws IOException {
        Path runtime = Files.createDirectory(home.resolve("run"));
        var env = new HashMap<String, String>();
        env.put("HOME", home.toString());
        env.put("XDG_RUNTIME_DIR", runtime.toString());
        env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        env.put("KIMEN_PASSPHRASE", PASSPHRASE);
        env.put("KIMEN_NEW_PASSPHRASE", PASSPHRASE);
        return Map.copyOf(env);
    }

    /** @return how many steps did not end as expected */
    private static int train(Map<String, String> env, Path home) {
        var locked = new HashMap<>(env);
        locked.remove("KIMEN_PASSPHRASE");
        int failed = 0;
        failed += expect(0, env, home, "--version");
        failed += expect(0, env, home, "--help");
        failed += expect(0, env, home, "vault", "init");
        failed += expect(0, run(env, home, null, "training-value".getBytes(StandardCharsets.UTF_8),
                "secret", "set", "app.token", "--stdin"), "secret", "set");
        failed += expect(0, env, home, "secret", "get", "app.token");
        failed += expect(0, env, home, "secret", "list", "--json");
        failed += expect(0, env, home, "run", "--env", "TOKEN=app.token", "--", "true");
        failed += expect(0, env, home, "plan", "--env", "TOKEN=app.token");
        failed += expect(Reason.SECRET_NOT_FOUND.exitCode(), env, home, "secret", "get", "no.such.secret");
        failed += expect(0, env, home, "hook", "bash");
        failed += expect(0, env, home, "session", "start", "--ttl", "1m");
        failed += expect(0, locked, home, "run", "--env", "TOKEN=app.token", "--", "true");
        failed += expect(0, locked, home, "secret", "get", "app.token");
        failed += expect(0, env, home, "session", "stop");
        failed += expect(0, run(env, home, MimaCommand.class, new byte[0], "--help"), "mima", "--help");
        return failed;
    }

    private static int expect(int code, Map<String, String> env, Path cwd, String... args) {
        return expect(code, run(env, cwd, null, new byte[0], args), args);
    }

    /** 0 when {@code got} is {@code code}; else 1, and a line on stderr (which a training run by hand shows). */
    private static int expect(int code, int got, String... args) {
        if (code == got) {
            return 0;
        }
        System.err.println("aot training: `" + String.join(" ", args) + "` exited " + got + ", expected " + code);
        return 1;
    }

    private static int run(Map<String, String> env, Path cwd, Class<?> root, byte[] stdin, String... args) {
        var nowhere = new PrintStream(OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8);
        var ctx = new Context(new ByteArrayInputStream(stdin), nowhere, nowhere, env, Terminal.none(), cwd);
        return root == null ? Cli.run(ctx, args) : Cli.run(ctx, root, args);
    }
}
