package dev.kimen.e2e;

import static java.nio.file.StandardCopyOption.REPLACE_EXISTING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/kimen's JDK search (bin/lib/find-jdk.sh): skip a too-old JAVA_HOME, say clearly when there is none;
 * its AOT cache, its checkout found through symlinks, and its build when sources changed.
 */
class LauncherE2ETest {
    @RegisterExtension
    static final OutputLog LOG = new OutputLog();

    private static final Path JDK17 = Path.of("/usr/lib/jvm/java-17-openjdk-amd64");
    /** What the launcher and find-jdk.sh may call before they give up; java is deliberately not here. */
    private static final List<String> BASICS = List.of("bash", "sh", "env", "sed", "dirname", "readlink", "find",
            "mkdir", "cat", "flock");

    @TempDir
    Path tmp;

    @Test
    void aJavaHomeOlderThan25IsPassedOver() {
        assumeTrue(Files.isExecutable(JDK17.resolve("bin/java")), "needs a JDK 17 at " + JDK17);
        Kimen kimen = Kimen.in(tmp.resolve("home"), LOG).with("JAVA_HOME", JDK17.toString());
        // A 17 would die on kimen's class files (release 25) instead of printing the version.
        String version = kimen.run("--version").ok().out();
        assertTrue(version.matches("kimen \\S+\n"), version);
        assertEquals(version, kimen.run("version").ok().out());
    }

    @Test
    void withoutAJdk25ItSaysSoInOneLine() throws IOException {
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        for (String tool : BASICS) {
            Path real = Kimen.onPath(tool);
            if (real != null) {
                Files.createSymbolicLink(bin.resolve(tool), real);
            }
        }
        Path emptyJvmDir = Files.createDirectories(tmp.resolve("jvm"));
        Path home = Files.createDirectories(tmp.resolve("home"));
        var env = new HashMap<String, String>();
        env.put("PATH", bin.toString());
        env.put("HOME", home.toString());
        env.put("KIMEN_JVM_DIR", emptyJvmDir.toString());

        Kimen.Result r = Kimen.withExactEnv(env, Files.createDirectories(tmp.resolve("io")), LOG).run("--version");
        assertEquals(1, r.exit(), r::describe);
        assertEquals(0, r.stdout().length, r::describe);
        List<String> errors = r.stderr().lines().filter(l -> l.startsWith("kimen: error: ")).toList();
        assertEquals(1, errors.size(), r::describe);
        assertTrue(errors.get(0).contains("no JDK 25"), r::describe);
        assertTrue(errors.get(0).contains("JAVA_HOME"), r::describe);
        assertTrue(r.stderr().lines().allMatch(l -> l.startsWith("kimen: ")),
                () -> "only kimen's own lines (no 'command not found', no Java error):\n" + r.describe());
    }

    /**
     * The AOT cache: trained after the build, mapped into every start, not with KIMEN_AOT=off, and
     * trained again (not used stale) once the jar is newer than it.
     */
    @Test
    void startsFromAnAotCacheThatFollowsTheJar() throws IOException {
        Kimen kimen = Kimen.in(tmp.resolve("home"), LOG).with("KIMEN_NEW_PASSPHRASE", "launcher-pass")
                .with("KIMEN_PASSPHRASE", "launcher-pass");
        kimen.run("vault", "init").ok();
        String[] countMappings = {"run", "--", "sh", "-c", "grep -c 'kimen\\.aot' /proc/$PPID/maps || true"};
        assertTrue(Integer.parseInt(kimen.run(countMappings).ok().out().strip()) >= 1, "the cache is not mapped");
        assertEquals("0", kimen.with("KIMEN_AOT", "off").run(countMappings).ok().out().strip());
        // version --verbose says the same, and which Argon2id runs (libargon2: bin/test installs it)
        var verbose = kimen.run("version", "--verbose", "--json").json();
        assertEquals(Path.of("target/kimen.aot").toAbsolutePath().toString(), verbose.getString("aot_cache"));
        assertEquals(null, kimen.with("KIMEN_AOT", "off").run("version", "--verbose", "--json").json().get("aot_cache"));
        if (System.getenv("CI") != null || Files.exists(Path.of("/usr/lib/x86_64-linux-gnu/libargon2.so.1"))) {
            assertEquals("libargon2", verbose.getString("argon2"));
        }
        // the build made the JNI helper with the C compiler CI has, and the launcher loaded it
        assertEquals(Path.of("target/native/libkimen-native.so").toAbsolutePath().toString(), verbose.getString("native_helper"));
        assertEquals(Path.of("target/native/kimen-fastrun").toAbsolutePath().toString(), verbose.getString("fast_run"));
        assertEquals(null, kimen.with("KIMEN_FASTRUN", "off").run("version", "--verbose", "--json").json().get("fast_run"));

        Path jar = Path.of("target/kimen.jar");
        Path cache = Path.of("target/kimen.aot");
        var jarTime = Files.getLastModifiedTime(jar);
        Files.setLastModifiedTime(cache, FileTime.fromMillis(jarTime.toMillis() - 3_600_000));
        Kimen.Result retrained = kimen.run(countMappings).ok();
        assertTrue(retrained.stderr().contains("training the start-up cache"), retrained::describe);
        assertTrue(Integer.parseInt(retrained.out().strip()) >= 1, "the new cache is not mapped");
        assertTrue(Files.getLastModifiedTime(cache).compareTo(jarTime) >= 0, "the cache was not made again");
    }

    /** bin/ reached through a symlinked directory (~/bin -> checkout/bin): the launcher still finds its checkout. */
    @Test
    void runsThroughASymlinkedBinDirectory() throws IOException {
        Kimen kimen = Kimen.in(tmp.resolve("home"), LOG);
        Path link = Files.createSymbolicLink(tmp.resolve("bin"), Kimen.LAUNCHER.getParent());
        for (Path launcher : List.of(link.resolve("kimen"), link.resolve("mima"))) {
            String version = kimen.using(launcher).run("--version").ok().out();
            assertTrue(version.startsWith(launcher.getFileName() + " "), launcher + ": " + version);
        }
        assertTrue(Files.notExists(tmp.resolve("target")), "the launcher took the link's parent for its checkout");
    }

    /**
     * A source edited since the last build is built before any command, even one the session
     * daemon could answer: the checkout's launcher leaves that check to the native client for run,
     * env, secret and hook (kimen_fastrun.c --built), which must then not use the daemon's answer.
     * In a copy of the checkout whose `mvn` only leaves a mark and fails.
     */
    @Test
    void anEditedSourceIsBuiltBeforeAnyCommand() throws IOException {
        Path root = Path.of("").toAbsolutePath();
        assumeTrue(Files.isExecutable(root.resolve("target/native/kimen-fastrun")), "needs the native client");
        Path copy = tmp.resolve("checkout");
        Path source = Files.createDirectories(copy.resolve("src/main/java/dev/kimen")).resolve("Main.java");
        Files.writeString(source, "class Main {}\n");
        for (String file : List.of("bin/kimen", "bin/lib/launch.sh", "bin/lib/find-jdk.sh", "bin/lib/jvm-flags.sh", "pom.xml",
                "target/native/kimen-fastrun", "target/native/libkimen-native.so")) {
            Files.createDirectories(copy.resolve(file).getParent());
            Files.copy(root.resolve(file), copy.resolve(file), REPLACE_EXISTING);
        }
        long built = System.currentTimeMillis();
        Path fakeBin = Files.createDirectories(tmp.resolve("fake-bin"));
        Path mark = tmp.resolve("mvn-ran");
        Files.writeString(fakeBin.resolve("mvn"), "#!/bin/sh\ntouch '" + mark + "'\nexit 1\n");
        fakeBin.resolve("mvn").toFile().setExecutable(true);
        Kimen kimen = Kimen.in(tmp.resolve("home"), LOG).with("KIMEN_AOT", "off")
                .with("PATH", fakeBin + ":" + System.getenv("PATH")).using(copy.resolve("bin/kimen"));
        Kimen unlocking = kimen.with("KIMEN_NEW_PASSPHRASE", "launcher-pass").with("KIMEN_PASSPHRASE", "launcher-pass");
        asBuilt(root, copy, source, built, false);
        unlocking.run("vault", "init").ok();
        unlocking.runWithStdin("v", "secret", "set", "s", "--stdin").ok();
        unlocking.run("session", "start").ok();
        try {
            List<List<String>> commands = List.of(List.of("run", "--env", "X=s", "--", "true"), List.of("secret", "get", "s"),
                    List.of("--version"));
            for (boolean edited : List.of(false, true)) {
                for (List<String> command : commands) {
                    asBuilt(root, copy, source, built, edited);
                    Kimen.Result r = kimen.run(command.toArray(String[]::new));
                    if (edited) {
                        assertEquals(1, r.exit(), r::describe);
                        assertTrue(r.stderr().contains("building") && r.stderr().contains("build failed"), r::describe);
                        assertTrue(Files.deleteIfExists(mark), () -> "mvn did not run for " + command);
                    } else {
                        assertEquals(0, r.exit(), r::describe);
                        assertTrue(Files.notExists(mark), () -> "built with nothing changed: " + r.describe());
                    }
                }
            }
        } finally {
            asBuilt(root, copy, source, built, false);
            kimen.run("session", "stop");
        }
    }

    /**
     * The copy as a build leaves it (a failed one removes the jar and the stamp), the jar as the
     * session daemon saw it at its start, and the source edited after the build or not.
     */
    private static void asBuilt(Path root, Path copy, Path source, long built, boolean edited) throws IOException {
        Path jar = copy.resolve("target/kimen.jar");
        Path stamp = copy.resolve("target/.kimen-build-ok");
        Files.copy(root.resolve("target/kimen.jar"), jar, REPLACE_EXISTING);
        Files.writeString(stamp, "");
        setMillis(stamp, built);
        try (var inputs = Stream.concat(Files.walk(copy.resolve("src")), Stream.of(copy.resolve("pom.xml"), jar))) {
            for (Path old : inputs.toList()) {
                setMillis(old, built - 60_000);
            }
        }
        setMillis(source, edited ? built + 2_000 : built - 60_000);
    }

    private static void setMillis(Path file, long millis) throws IOException {
        Files.setLastModifiedTime(file, FileTime.fromMillis(millis));
    }
}
