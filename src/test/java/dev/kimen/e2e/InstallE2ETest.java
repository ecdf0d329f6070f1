package dev.kimen.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * What ships: {@code make install PREFIX=…} and the {@code .deb} (jpackage, installed with the real
 * {@code dpkg -i}). Each must run with no JDK on PATH, from its own jlink'd runtime, with its AOT
 * cache really mapped into the JVM, and bring its man pages and its completions for bash, zsh and
 * fish where those shells look.
 */
class InstallE2ETest {
    @RegisterExtension
    static final OutputLog LOG = new OutputLog();

    private static final String VALUE = "installed-value";
    /**
     * Prints how many of the kimen JVM's (the child's parent's) mappings are its AOT cache, and how
     * many are libargon2 (loaded by the unlock, when the JVM was given native access).
     */
    private static final String COUNT_MAPPINGS = "test \"$X\" = " + VALUE
            + " && { grep -c 'kimen\\.aot' /proc/$PPID/maps; grep -c libargon2 /proc/$PPID/maps; } || true";

    @TempDir
    Path tmp;

    @Test
    void makeInstallGivesAKimenThatNeedsNoJdkAndUninstallTakesItAllAway() throws Exception {
        Path prefix = tmp.resolve("prefix");
        // a kimen already on PATH through a link to a checkout's launcher: install replaces the link, not its target
        Path checkoutLauncher = Files.copy(Kimen.LAUNCHER, tmp.resolve("checkout-kimen"));
        Files.createDirectories(prefix.resolve("bin"));
        Files.createSymbolicLink(prefix.resolve("bin/kimen"), checkoutLauncher);
        String said = make("install", "PREFIX=" + prefix);
        assertTrue(said.contains("[1/4] the jar") && said.contains("[2/4]"), "each step is named as it starts: " + said);
        assertTrue(said.contains("installed kimen ") && said.contains(prefix + "/bin/kimen, " + prefix + "/bin/mima"), said);
        assertTrue(said.contains("note: " + prefix + "/bin is not on your PATH")
                && said.contains("export PATH=\"" + prefix + "/bin:$PATH\""), "the line to add: " + said);
        assertEquals(Files.readString(Kimen.LAUNCHER), Files.readString(checkoutLauncher), "install wrote through a link");
        assertFalse(Files.isSymbolicLink(prefix.resolve("bin/kimen")));
        // the cache records its jar's time; a copy that changed it would be refused by a JVM that checks
        assertEquals(Files.getLastModifiedTime(Path.of("target/image/lib/kimen/kimen.jar")),
                Files.getLastModifiedTime(prefix.resolve("lib/kimen/kimen.jar")));

        Kimen kimen = installed(prefix.resolve("bin/kimen"));
        assertNotEquals(0, sh(kimen.env(), "command -v java").exit(), "a java on the test's PATH proves nothing");
        assertTrue(kimen.run("--version").ok().out().startsWith("kimen "));
        projectsThroughItsOwnCachedRuntime(kimen);
        assertTrue(kimen.using(prefix.resolve("bin/mima")).run("--help").ok().out().contains("Usage: mima"));
        assertTrue(kimen.using(prefix.resolve("bin/mima")).run("--version").ok().out().startsWith("mima "));
        assertTrue(kimen.run("hook", "bash").ok().out().contains(prefix.resolve("bin/kimen").toString()),
                "the hook calls back the installed launcher");

        String page = sh(Map.of("PATH", System.getenv("PATH"), "MANWIDTH", "120"),
                "man -l " + prefix.resolve("share/man/man1/kimen.1")).ok();
        assertTrue(page.contains("secret set") && page.contains("session start"), page);
        assertTrue(sh(Map.of("PATH", System.getenv("PATH"), "MANWIDTH", "120"),
                "man -l " + prefix.resolve("share/man/man1/mima.1")).ok().contains("mima"));
        completesInEachShell(prefix.resolve("share"), kimen.env());

        make("uninstall", "PREFIX=" + prefix);
        try (Stream<Path> left = Files.walk(prefix)) {
            assertEquals(List.of(), left.filter(p -> !Files.isDirectory(p)).toList(), "uninstall left files behind");
        }
    }

    /** The release tarball is the same tree, relocatable: unpacked anywhere, it runs from its own cache. */
    @Test
    void theTarballRunsWhereverItIsUnpacked() throws Exception {
        make("dist");
        Path tarball;
        try (Stream<Path> files = Files.list(Path.of("target"))) {
            tarball = files.filter(p -> p.getFileName().toString().matches("kimen-.*-linux-.*\\.tar\\.gz")).findFirst()
                    .orElseThrow();
        }
        Path elsewhere = Files.createDirectories(tmp.resolve("some/other/place"));
        sh(Map.of("PATH", System.getenv("PATH")), "tar -xzf " + tarball.toAbsolutePath() + " -C " + elsewhere).ok();
        Path top;
        try (Stream<Path> dirs = Files.list(elsewhere)) {
            top = dirs.findFirst().orElseThrow();
        }
        assertTrue(top.getFileName().toString().startsWith("kimen-"), top.toString());
        Kimen kimen = installed(top.resolve("bin/kimen"));
        assertTrue(kimen.run("--version").ok().out().startsWith("kimen "));
        projectsThroughItsOwnCachedRuntime(kimen);
    }

    @Test
    void theDebInstallsWithDpkgAndRemovesCleanly() throws Exception {
        var path = Map.of("PATH", System.getenv("PATH"));
        boolean root = "0".equals(sh(path, "id -u").ok().strip());
        if (System.getenv("CI") == null) {
            Assumptions.assumeTrue(root, "dpkg -i needs root");
            Assumptions.assumeTrue(sh(path, "dpkg -s kimen").exit() != 0, "a kimen package is installed here; not replacing it");
        }
        assertTrue(root, "CI must run the .deb test as root");
        make("deb");
        Path deb;
        try (Stream<Path> debs = Files.list(Path.of("target"))) {
            deb = debs.filter(p -> p.getFileName().toString().matches("kimen_.*\\.deb")).findFirst().orElseThrow();
        }
        // a path the package would link that already holds another file: left alone, with a warning
        Path taken = Path.of("/usr/share/man/man1/mima.1");
        Assumptions.assumeFalse(Files.exists(taken, java.nio.file.LinkOption.NOFOLLOW_LINKS), taken + " exists here");
        Files.createDirectories(taken.getParent());
        Files.writeString(taken, ".TH MIMA 1\n.SH NAME\nmima \\- someone else's\n");
        try {
            String installing = sh(path, "dpkg -i " + deb.toAbsolutePath()).ok();
            assertTrue(installing.contains(taken + " exists and is not kimen's; left alone"), installing);
            assertFalse(Files.isSymbolicLink(taken));
            assertTrue(Files.readString(taken).contains("someone else's"));
            Kimen kimen = installed(Path.of("/usr/bin/kimen"));
            assertTrue(kimen.run("--version").ok().out().startsWith("kimen "));
            projectsThroughItsOwnCachedRuntime(kimen);
            assertTrue(kimen.using(Path.of("/usr/bin/mima")).run("--help").ok().out().contains("Usage: mima"));
            String status = sh(path, "dpkg -s kimen").ok();
            assertTrue(status.matches("(?s).*\nDepends: [^\n]*libargon2-1.*"), status);
            assertTrue(sh(path, "man -w kimen").ok().contains("kimen.1"));
            completesInEachShell(Path.of("/usr/share"), kimen.env());
        } finally {
            sh(path, "dpkg -r kimen && dpkg -P kimen").ok();
            assertTrue(Files.readString(taken).contains("someone else's"), "removing kimen took another file");
            Files.delete(taken);
        }
        assertFalse(Files.exists(Path.of("/usr/bin/kimen"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
        assertFalse(Files.exists(Path.of("/opt/kimen")), "dpkg -r left /opt/kimen behind");
    }

    /** A private user of the installed {@code launcher}, whose PATH holds only a shell and coreutils: no java. */
    private Kimen installed(Path launcher) throws IOException {
        Path tools = Files.createDirectories(tmp.resolve("tools"));
        for (String tool : List.of("bash", "sh", "readlink", "grep", "test", "true", "id")) {
            Path link = tools.resolve(tool);
            if (!Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                Files.createSymbolicLink(link, which(tool));
            }
        }
        Path home = Files.createDirectories(tmp.resolve("home-" + launcher.getParent().getParent().getFileName()));
        var env = new HashMap<String, String>();
        env.put("PATH", tools.toString());
        env.put("HOME", home.toString());
        env.put("XDG_CONFIG_HOME", home.resolve(".config").toString());
        env.put("LANG", "C.UTF-8");
        return Kimen.withExactEnv(env, Files.createDirectories(home.resolve(Kimen.IO_DIR)), LOG).using(launcher);
    }

    /**
     * A vault, a secret, a run that sees it, for kimen and for mima: the JVM that ran it had the AOT
     * cache and libargon2 mapped (and without the cache, not).
     */
    private static void projectsThroughItsOwnCachedRuntime(Kimen kimen) throws IOException {
        Kimen user = kimen.with("KIMEN_NEW_PASSPHRASE", "install-test-pass").with("KIMEN_PASSPHRASE", "install-test-pass");
        user.run("vault", "init").ok();
        user.runWithStdin(VALUE, "secret", "set", "app.token", "--stdin").ok();
        Path mima = user.launcher().resolveSibling("mima");
        for (Kimen program : List.of(user, user.using(mima))) {
            List<String> mapped = program.run("run", "--env", "X=app.token", "--", "sh", "-c", COUNT_MAPPINGS).ok().out()
                    .lines().toList();
            assertEquals(2, mapped.size(), program.launcher() + ": " + mapped);
            assertTrue(Integer.parseInt(mapped.get(0)) >= 1, program.launcher() + ": the AOT cache is not mapped");
            assertTrue(Integer.parseInt(mapped.get(1)) >= 1, program.launcher() + ": libargon2 is not mapped");
        }
        String helper = user.run("version", "--verbose", "--json").json().getString("native_helper");
        assertTrue(helper != null && helper.endsWith("/native/libkimen-native.so")
                && !helper.startsWith(Path.of("target").toAbsolutePath().toString()),
                user.launcher() + ": the installed native helper is not the one loaded: " + helper);
        if (!user.launcher().startsWith("/usr/bin")) { // the .deb's native launchers take no KIMEN_AOT
            assertEquals("0", user.with("KIMEN_AOT", "off").run("run", "--env", "X=app.token", "--", "sh", "-c",
                    COUNT_MAPPINGS).ok().out().lines().findFirst().orElseThrow(), "KIMEN_AOT=off, yet a cache is mapped");
            assertTrue(user.run("version", "--verbose", "--json").json().getString("fast_run")
                    .endsWith("/lib/kimen/native/kimen-fastrun"), "version --verbose names the installed client");
            runsWithoutAJvmInASession(user, kimen);
        }
    }

    /**
     * With a session, the installed launcher's run goes through its own kimen-fastrun: the command
     * has its PID. Once the jar has changed under the daemon (an upgrade), the daemon plans no more
     * runs: they are the new JVM's.
     */
    private static void runsWithoutAJvmInASession(Kimen withPassphrase, Kimen kimen) throws IOException {
        withPassphrase.run("session", "start").ok();
        Path jar = kimen.launcher().getParent().resolveSibling("lib/kimen/kimen.jar");
        FileTime built = Files.getLastModifiedTime(jar);
        try {
            assertEquals(List.of(VALUE, "same PID"), pidProbe(kimen), kimen.launcher() + ": the run was not the native client's");
            Files.setLastModifiedTime(jar, FileTime.from(built.toInstant().plusSeconds(60)));
            assertEquals(List.of(VALUE, "another PID"), pidProbe(kimen), "a daemon planned a run after its jar changed");
        } finally {
            Files.setLastModifiedTime(jar, built);
            kimen.run("session", "stop");
        }
    }

    /** A run's value, and whether the command had the PID of the process the test started. */
    private static List<String> pidProbe(Kimen kimen) {
        Kimen.Running running = kimen.start(null, "run", "--env", "X=app.token", "--", "sh", "-c", "echo \"$X\"; echo $$");
        List<String> lines = running.finish().ok().lines();
        return List.of(lines.get(0), lines.get(1).equals(String.valueOf(running.process().pid())) ? "same PID" : "another PID");
    }

    /** The installed completion files, as each shell finds them by itself, complete kimen's secret subcommands. */
    private static void completesInEachShell(Path share, Map<String, String> env) throws Exception {
        var shellEnv = new HashMap<>(env);
        // fish loads a command's completions only once the command is on PATH, as after an install
        shellEnv.put("PATH", share.resolveSibling("bin") + File.pathSeparator + System.getenv("PATH"));
        String bash = sh(shellEnv, "bash -c 'source " + share.resolve("bash-completion/completions/kimen")
                + " && complete -p kimen'").ok();
        assertTrue(bash.contains("kimen"), bash);
        if (ShellPane.installed("fish")) {
            shellEnv.put("XDG_DATA_DIRS", share.toString());
            String fish = sh(shellEnv, "fish --private -c \"complete -C 'kimen secret '\"").ok();
            assertEquals(List.of("edit", "export", "get", "import", "list", "meta", "mv", "rm", "set"), fish.lines().map(l -> l.split("\t")[0]).sorted().toList(), fish);
        }
        String zsh = sh(shellEnv, "zsh -fc 'fpath=(" + share.resolve("zsh/site-functions") + " "
                + share.resolve("zsh/vendor-completions") + " $fpath); autoload -U compinit && compinit -u -D"
                + " && print -r -- $_comps[kimen]'").ok();
        assertEquals("_kimen", zsh.strip());
        // and a real Tab in an interactive zsh that found _kimen on its fpath by itself
        shellEnv.put("TERM", "xterm-256color");
        String rc = "fpath=(" + share.resolve("zsh/site-functions") + " " + share.resolve("zsh/vendor-completions")
                + " $fpath)\nautoload -U compinit && compinit -u -D\nPS1='$ '\n";
        Path home = Path.of(env.get("HOME"));
        try (var pane = new ShellPane("zsh", Files.createTempDirectory(home, "zsh"), shellEnv, home, rc)) {
            pane.keys("kimen secret ", "Tab");
            String screen = pane.awaitScreen("list");
            LOG.addScreen(List.of("completion", "zsh", share.toString()), screen);
            for (String sub : List.of("set", "get", "list", "rm", "mv")) {
                assertTrue(screen.matches("(?s).*\\b" + sub + "\\b.*"), sub + " missing:\n" + screen);
            }
            assertFalse(screen.contains("not found"), screen);
        }
    }

    private static Path which(String tool) {
        for (String dir : System.getenv("PATH").split(File.pathSeparator)) {
            Path p = Path.of(dir, tool);
            if (Files.isExecutable(p) && !Files.isDirectory(p)) {
                return p;
            }
        }
        throw new AssertionError(tool + " is not on PATH");
    }

    /** Runs make; what it printed (stdout and stderr). */
    private static String make(String... args) throws Exception {
        var command = new ArrayList<>(List.of("make", "-s"));
        command.addAll(List.of(args));
        var make = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(make.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(make.waitFor(10, TimeUnit.MINUTES), "make " + String.join(" ", args) + " hangs");
        assertEquals(0, make.exitValue(), "make " + String.join(" ", args) + ":\n" + out);
        return out;
    }

    record Shell(int exit, String output) {
        String ok() {
            assertEquals(0, exit, output);
            return output;
        }
    }

    private static Shell sh(Map<String, String> env, String script) throws Exception {
        var builder = new ProcessBuilder("/bin/sh", "-c", script).redirectErrorStream(true);
        builder.environment().clear();
        builder.environment().putAll(env);
        var process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(5, TimeUnit.MINUTES), script + " hangs");
        return new Shell(process.exitValue(), out);
    }
}
