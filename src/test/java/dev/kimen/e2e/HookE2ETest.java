package dev.kimen.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The shell hook in real interactive bash, zsh and fish under tmux, each with private rc files
 * and exactly the environment given here. JVM starts are counted by the JVM itself: every start
 * leaves one log file ({@code JAVA_TOOL_OPTIONS=-Xlog:…:file=…%p}), whoever started it.
 */
class HookE2ETest {
    private static final String PASS = "hook e2e passphrase";
    private static final String SECRET = "hook-secret-value-7d1f03";

    @RegisterExtension
    static final OutputLog LOG = new OutputLog().forbidding(PASS, SECRET);

    @TempDir
    Path tmp;

    private Kimen kimen;
    private Path jvms;
    private Path project;
    private ShellPane pane;

    @BeforeEach
    void userAndProject() throws IOException {
        kimen = Kimen.in(tmp.resolve("home"), LOG).with("KIMEN_PASSPHRASE", PASS).withMimaStoreVault();
        Vaults.create(kimen.defaultVault(), PASS, Map.of("db.url", SECRET.getBytes(StandardCharsets.UTF_8)));
        jvms = Files.createDirectories(tmp.resolve("jvms"));
        project = Files.createDirectories(tmp.resolve("work/app"));
        Files.createDirectories(project.resolve("bin"));
        Files.createDirectories(project.resolve("src/deep"));
        Files.writeString(project.resolve(".env"), "FROM_DOTENV='dotenv value'\n");
        Files.writeString(project.resolve(".mima.yaml"), """
                groups:
                  dev:
                    DB_URL: db.url
                env:
                  dotenv: .env
                  path_add: [bin]
                  NODE_ENV: development
                """);
    }

    @AfterEach
    void stopShell() {
        if (pane != null) {
            LOG.addScreen(List.of("hook", "e2e"), pane.screen());
            pane.close();
        }
    }

    /**
     * Each shell once plain and once strict, as a user with strict options in the rc file has it:
     * bash with {@code set -euo pipefail}; zsh with nounset, errexit, pipefail, ksh_arrays and
     * sh_word_split; fish has no such options. Under errexit a failing command in the hook would
     * end the shell; under nounset bash printed {@code !1: unbound variable} and exported nothing.
     */
    static final String[] SHELLS = {"bash", "bash strict", "zsh", "zsh strict", "fish"};

    @ParameterizedTest
    @FieldSource("SHELLS")
    void wrapperModeAndPublicEnvLoadOnlyOnceAllowedAndLeaveNothingBehind(String shell) throws IOException {
        start(shell);
        String options = pane.options();
        Map<String, String> before = pane.env();
        assertEquals("before", before.get("NODE_ENV"));

        pane.run("cd " + ShellPane.quote(project.resolve("src/deep").toString()));
        pane.run(":");
        pane.run(":");
        assertEquals("before", pane.env().get("NODE_ENV"), "an untrusted config is not loaded");
        assertFalse(pane.hasFunction("dev"));
        assertEquals(1, pane.count("is not allowed, so it was not loaded"), "one quiet line per entry:\n" + pane.screen());

        pane.run(ShellPane.quote(Kimen.LAUNCHER.toString()) + " allow");
        Map<String, String> loaded = pane.env();
        assertEquals("development", loaded.get("NODE_ENV"));
        assertEquals("dotenv value", loaded.get("FROM_DOTENV"));
        assertEquals(project.resolve("bin") + ":" + before.get("PATH"), loaded.get("PATH"));
        assertTrue(pane.hasFunction("dev"));
        assertEquals(SECRET, pane.output("dev sh -c 'printf %s \"$DB_URL\"'"), "the function injects the group");
        assertFalse(pane.env().containsValue(SECRET), "wrapper mode: the secret is not in the shell's environment");
        assertFalse(pane.variables().contains(SECRET), "nor in any shell variable");

        pane.run(hookLine(shell)); // a re-read rc file keeps what leaving must undo
        pane.run("cd " + ShellPane.quote(tmp.toString()));
        Map<String, String> left = pane.env();
        assertEquals(before.get("NODE_ENV"), left.get("NODE_ENV"), "the previous value comes back");
        assertEquals(before.get("PATH"), left.get("PATH"));
        assertNull(left.get("FROM_DOTENV"));
        assertFalse(pane.hasFunction("dev"), "leaving removes the functions");
        assertEquals(options, pane.options(), "the hook leaves the shell's options as they were");

        pane.run("cd " + ShellPane.quote(project.toString()));
        assertEquals("development", pane.env().get("NODE_ENV"));
        Files.writeString(project.resolve(".mima.yaml"), "  EXTRA: edited\n", java.nio.file.StandardOpenOption.APPEND);
        pane.run(":");
        assertEquals("before", pane.env().get("NODE_ENV"), "an edited config is unloaded until allowed again");
        assertFalse(pane.hasFunction("dev"));
        assertEquals(1, pane.count("changed since it was allowed, so it was not loaded; review it, then run: kimen allow"));

        pane.run(ShellPane.quote(Kimen.LAUNCHER.toString()) + " allow");
        assertEquals("edited", pane.env().get("EXTRA"));
        Files.writeString(project.resolve(".env"), "FROM_DOTENV='changed behind your back'\n");
        pane.run(":");
        assertNull(pane.env().get("FROM_DOTENV"), "a dotenv file falls under the same trust");

        pane.run(ShellPane.quote(Kimen.LAUNCHER.toString()) + " allow");
        assertEquals("changed behind your back", pane.env().get("FROM_DOTENV"));
        pane.run(ShellPane.quote(Kimen.LAUNCHER.toString()) + " deny");
        assertEquals("before", pane.env().get("NODE_ENV"), "deny unloads at the next prompt");
        assertEquals(options, pane.options());
    }

    @ParameterizedTest
    @FieldSource("SHELLS")
    void compatModeExportsTheGroupsAndUnsetsThemOnLeaving(String shell) throws IOException {
        Files.writeString(project.resolve(".mima.yaml"), """
                auto_export: true
                groups:
                  ci:
                    CI_TOKEN: db.url
                """);
        start(shell);
        pane.run("cd " + ShellPane.quote(project.toString()));
        assertNull(pane.env().get("CI_TOKEN"));
        pane.run(ShellPane.quote(Kimen.LAUNCHER.toString()) + " allow");
        assertEquals(SECRET, pane.env().get("CI_TOKEN"), "compat mode exports the group");
        pane.run(":");
        assertEquals(1, pane.count("auto_export: the secrets of group ci (CI_TOKEN) are now in this shell's environment"),
                pane.screen());
        pane.run("cd ..");
        assertNull(pane.env().get("CI_TOKEN"), "and unsets it on leaving");
    }

    @ParameterizedTest
    @ValueSource(strings = {"bash", "zsh", "fish"})
    void anUnchangedDirectoryStartsNoJvmAtAnyPrompt(String shell) throws Exception {
        kimen.run("allow", project.toString()).ok();
        start(shell);
        long atStart = jvmStarts();
        assertTrue(atStart >= 1, "the rc's `kimen hook` is counted");
        pane.run("cd " + ShellPane.quote(project.resolve("src").toString()));
        assertEquals("development", pane.env().get("NODE_ENV"));
        assertTrue(jvmStarts() > atStart, "entering the project is counted");
        Thread.sleep(100); // past the racy window of the files just written: the next prompt may read them once more
        pane.run(":");
        long settled = jvmStarts();
        for (int i = 0; i < 20; i++) {
            pane.run(":");
        }
        assertEquals(settled, jvmStarts(), "20 prompts in a loaded project");
        pane.run("cd " + ShellPane.quote(tmp.toString()));
        pane.run(":");
        long outside = jvmStarts();
        for (int i = 0; i < 20; i++) {
            pane.run(":");
        }
        assertEquals(outside, jvmStarts(), "20 prompts outside any project");
        assertEquals(settled, outside, "leaving a project needs no kimen either");
    }

    @Test
    void useFlakeMergesTheDevShellAndRunsNixOncePerLockfile() throws Exception {
        Path stub = Files.createDirectories(tmp.resolve("stub-bin"));
        Path calls = tmp.resolve("nix-calls");
        Path document = Path.of("src/test/resources/dev/kimen/e2e/print-dev-env.json").toAbsolutePath();
        Path nix = stub.resolve("nix");
        // A stand-in for nix: what `nix print-dev-env --json` printed for a small dev shell
        Files.writeString(nix, "#!/bin/sh\necho \"$*\" >> " + ShellPane.quote(calls.toString()) + "\nexec cat "
                + ShellPane.quote(document.toString()) + "\n");
        nix.toFile().setExecutable(true);
        Files.writeString(project.resolve(".mima.yaml"), "use_flake: true\nenv:\n  NODE_ENV: development\n");
        Files.writeString(project.resolve("flake.nix"), "{ outputs = _: { }; }\n");
        Files.writeString(project.resolve("flake.lock"), "{\"version\": 7}\n");
        kimen.run("allow", project.toString()).ok();
        start("bash", stub + ":");
        String pathBefore = pane.env().get("PATH");

        pane.run("cd " + ShellPane.quote(project.toString()));
        Map<String, String> env = pane.env();
        assertEquals("hello-dev", env.get("name"));
        assertEquals("-O2 -g", env.get("NIX_CFLAGS_COMPILE"));
        assertEquals(kimen.home().toString(), env.get("HOME"), "the build sandbox's HOME is not taken");
        assertNull(env.get("shellHook"), "only exported variables");
        assertEquals("/nix/store/aaaa-hello-2.12/bin:/nix/store/bbbb-gcc-13/bin:" + pathBefore, env.get("PATH"));
        assertEquals(1, Files.readAllLines(calls).size());
        assertTrue(Files.readAllLines(calls).getFirst().contains("print-dev-env --json " + project));

        pane.run("cd ..");
        assertEquals(pathBefore, pane.env().get("PATH"));
        pane.run("cd " + ShellPane.quote(project.toString()));
        assertEquals("hello-dev", pane.env().get("name"));
        assertEquals(1, Files.readAllLines(calls).size(), "cached by flake.lock");

        Files.writeString(project.resolve("flake.lock"), "{\"version\": 7, \"updated\": true}\n");
        pane.run(":");
        assertNull(pane.env().get("name"), "the flake decides what is exported: a new flake.lock needs an allow");
        assertEquals(1, Files.readAllLines(calls).size());
        pane.run(ShellPane.quote(Kimen.LAUNCHER.toString()) + " allow");
        assertEquals("hello-dev", pane.env().get("name"));
        assertEquals(2, Files.readAllLines(calls).size(), "a new flake.lock runs nix again");
    }

    private void start(String shell) {
        start(shell, "");
    }

    /** @param variant a shell's name, then "strict" for its strict options (see {@link #SHELLS}) */
    private void start(String variant, String pathPrefix) {
        String shell = variant.split(" ")[0];
        String strict = !variant.endsWith(" strict") ? ""
                : shell.equals("bash") ? "set -euo pipefail\n"
                : "setopt nounset errexit pipefail ksh_arrays sh_word_split\n";
        if (System.getenv("CI") != null) {
            assertTrue(ShellPane.installed(shell), shell + " is not installed: bin/test installs it");
        }
        Assumptions.assumeTrue(ShellPane.installed(shell), shell + " is not installed (bin/test installs it)");
        var env = new HashMap<>(kimen.env());
        env.put("TERM", "xterm-256color");
        env.put("PATH", pathPrefix + env.get("PATH"));
        env.put("JAVA_TOOL_OPTIONS", "-Xlog:os=info:file=" + jvms + "/jvm-%p.log");
        String rc = (shell.equals("fish") ? "set -gx NODE_ENV before\n" : strict + "export NODE_ENV=before\nPS1='$ '\n")
                + hookLine(shell) + "\n";
        pane = new ShellPane(shell, tmp.resolve("shell-" + variant.replace(' ', '-')), env, kimen.home(), rc);
    }

    /** What the user's rc file says to load the hook. */
    private static String hookLine(String shell) {
        String launcher = ShellPane.quote(Kimen.LAUNCHER.toString());
        return shell.equals("fish") ? launcher + " hook fish | source" : "eval \"$(" + launcher + " hook " + shell + ")\"";
    }

    private long jvmStarts() throws IOException {
        try (Stream<Path> files = Files.list(jvms)) {
            return files.count();
        }
    }
}
