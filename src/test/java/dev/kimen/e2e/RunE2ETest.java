package dev.kimen.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code kimen run}, {@code plan} and {@code map lint} through the real bin/kimen. */
class RunE2ETest {
    private static final String PASS = "e2e run passphrase";

    @RegisterExtension
    static final OutputLog LOG = new OutputLog().forbidding(PASS);

    @TempDir
    Path tmp;
    Kimen kimen;

    @BeforeEach
    void setUp() {
        kimen = Kimen.in(tmp.resolve("home"), LOG).with("KIMEN_PASSPHRASE", PASS);
        Vaults.create(kimen.defaultVault(), PASS, Map.of("nul.value", new byte[] {'a', 0, 'b'}));
    }

    private Path script(String name, String body) throws Exception {
        Path p = tmp.resolve(name);
        Files.writeString(p, "#!/bin/sh\n" + body);
        p.toFile().setExecutable(true);
        return p;
    }

    @ParameterizedTest
    @ValueSource(strings = {"TERM", "INT", "HUP", "QUIT"})
    void aSignalToKimenReachesTheChildAndEveryFileIsRemoved(String signal) throws Exception {
        Path marker = tmp.resolve("marker");
        Path child = script("child.sh", """
                trap 'echo "got SIG" >> "$MARKER"; exit 42' SIG""".replace("SIG", signal) + """

                echo "$KIMEN_FILES_DIR" > "$MARKER.dir"
                mv "$MARKER.dir" "$MARKER"
                while :; do sleep 0.1; done
                """);
        var running = kimen.with("MARKER", marker.toString())
                .start(null, "run", "--file", "creds/token=" + Canary.NAME, "--", child.toString());
        for (int i = 0; i < 600 && !Files.exists(marker); i++) {
            Thread.sleep(50); // waiting for the child to start, not timing anything
        }
        Path filesDir = Path.of(Files.readAllLines(marker).getFirst());
        assertTrue(Files.exists(filesDir.resolve("creds/token")), "file projected while the child runs");
        var kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(running.process().pid())).inheritIO().start();
        assertEquals(0, kill.waitFor());
        var result = running.finish();
        assertEquals(42, result.exit(), result.describe());
        assertTrue(Files.readString(marker).contains("got " + signal));
        assertFalse(Files.exists(filesDir), "files dir removed after SIG" + signal);
    }

    @Test
    void unlockMaterialNeverReachesTheCommandOrAnExecSource() {
        // LOG forbids PASS in every output: `env` printing it would fail the class
        var env = kimen.run("run", "--env", "T=const:x", "--", "env");
        assertEquals(0, env.exit(), env.describe());
        assertFalse(env.out().contains("KIMEN_PASSPHRASE"), env.out());
        var exec = kimen.run("run", "--env", "X=exec:printenv KIMEN_PASSPHRASE", "--", "true");
        assertEquals(27, exec.exit(), "printenv finds no KIMEN_PASSPHRASE: " + exec.describe());
        var stdin = kimen.with("KIMEN_PASSPHRASE", "").runWithStdin(
                (PASS + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8),
                "run", "--passphrase-stdin", "--env", "A=const:1", "--", "cat");
        assertEquals(0, stdin.exit(), stdin.describe());
        assertEquals("", stdin.out(), "the passphrase on stdin is kimen's, not the command's");
    }

    @Test
    void inlineProjectionsWinOverTheMap() throws Exception {
        Path map = tmp.resolve("m.kmap");
        Files.writeString(map, "file f=const:from-map\nstdin const:map-stdin\nenv V=const:map\n");
        var r = kimen.run("run", "--map", map.toString(), "--file", "f=const:inline", "--stdin", "const:in",
                "--env", "V=const:inl", "--", "sh", "-c", "printf '%s %s %s' \"$(cat \"$KIMEN_FILES_DIR/f\")\" \"$(cat)\" \"$V\"");
        assertEquals(0, r.exit(), r.describe());
        assertEquals("inline in inl", r.out());
    }

    @Test
    void filesDirIsTheOneGivenAndIsLeftEmpty() throws Exception {
        Path chosen = tmp.resolve("chosen");
        var r = kimen.run("run", "--files-dir", chosen.toString(), "--file", "sub/t=const:v", "--", "sh", "-c",
                "[ \"$KIMEN_FILES_DIR\" = \"" + chosen + "\" ] && cat \"$KIMEN_FILES_DIR/sub/t\"");
        assertEquals(0, r.exit(), r.describe());
        assertEquals("v", r.out());
        assertFalse(Files.exists(chosen), "a files dir kimen created is removed with what it wrote");
    }

    /**
     * Issue 10: {@code run --exec} is the command itself: its {@code $$} is the PID the test started
     * (a plain run's is not), it starts with no signal blocked and only descriptors 0-2 open (nothing
     * of the JVM's), and its exit status and death by signal are its own.
     */
    @Test
    void execReplacesKimenWithTheCommand() {
        String probe = "test \"$T\" = v || exit 9; echo $$; " + ShellProbe.BLOCKED_SIGNALS + "; ls /proc/$$/fd";
        Kimen.Running exec = kimen.start(null, "run", "--exec", "--env", "T=const:v", "--", "sh", "-c", probe);
        List<String> lines = exec.finish().ok().lines();
        assertEquals(String.valueOf(exec.process().pid()), lines.get(0), "a new PID: " + lines);
        assertEquals("SigBlk:\t0000000000000000", lines.get(1));
        assertEquals(List.of("0", "1", "2"), lines.subList(2, lines.size()), "descriptors the JVM left open");

        Kimen.Running plain = kimen.start(null, "run", "--env", "T=const:v", "--", "sh", "-c", probe);
        assertNotEquals(String.valueOf(plain.process().pid()), plain.finish().ok().lines().get(0));

        assertEquals(7, kimen.run("run", "--exec", "--", "sh", "-c", "exit 7").exit());
        assertEquals(143, kimen.run("run", "--exec", "--", "sh", "-c", "kill -TERM $$").exit());
        kimen.run("run", "--exec", "--json", "--file", "f=const:v", "--", "true").failsWith(2, "usage");
        kimen.run("run", "--exec", "--json", "--files-dir", tmp.resolve("d").toString(), "--", "true").failsWith(2, "usage");
        assertTrue(Files.notExists(tmp.resolve("d")));
        assertEquals(127, kimen.run("run", "--exec", "--", "no-such-command-here").exit());
    }

    /**
     * Issue 10: {@code run --mask} masks a value the command writes in two pieces, on stdout and (in
     * base64) on stderr; the exit status is the command's; the config can make it the default.
     */
    @Test
    void maskHidesProjectedValuesInBothStreamsEvenSplitAcrossWrites() throws Exception {
        String value = "mask-e2e-5d2c9b71";
        String script = "printf 'key=%s' \"$(printf %s \"$T\" | cut -c1-7)\"; sleep 0.2;"
                + " printf '%s\\n' \"$(printf %s \"$T\" | cut -c8-)\";"
                + " printf 'b64=%s\\n' \"$(printf %s \"$T\" | base64)\" >&2; exit 3";
        Kimen.Result r = kimen.run("run", "--mask", "--env", "T=const:" + value, "--", "sh", "-c", script);
        assertEquals(3, r.exit(), r::describe);
        assertEquals("key=<kimen:T>\n", r.out());
        assertTrue(r.stderr().contains("b64=<kimen:T>"), r.stderr());
        assertFalse(r.out().contains(value) || r.stderr().contains(value));

        Kimen.Result plain = kimen.run("run", "--env", "T=const:" + value, "--", "sh", "-c", script);
        assertEquals("key=" + value + "\n", plain.out(), "without --mask the value is the command's to print");

        Files.createDirectories(kimen.home().resolve(".config/kimen"));
        Files.writeString(kimen.home().resolve(".config/kimen/config.json"), "{\"run\": {\"mask\": true}}\n");
        assertEquals("key=<kimen:T>\n", kimen.run("run", "--env", "T=const:" + value, "--", "sh", "-c", script).out());
        assertEquals("key=" + value + "\n",
                kimen.run("run", "--no-mask", "--env", "T=const:" + value, "--", "sh", "-c", script).out());
    }

    @Test
    void exitStatusesPassThrough() {
        assertEquals(7, kimen.run("run", "--", "sh", "-c", "exit 7").exit());
        assertEquals(143, kimen.run("run", "--", "sh", "-c", "kill -TERM $$").exit());
        var missing = kimen.run("run", "--json", "--", "kimen-no-such-command");
        assertEquals(127, missing.exit());
        assertTrue(missing.stderr().contains("\"reason\":\"command_not_found\""), missing.stderr());
    }

    @Test
    void everyKindOfProjectionReachesTheChildByteForByte() throws Exception {
        String expected = Canary.VALUE;
        Path check = script("check.sh", """
                [ "$TOKEN" = "%1$s" ] || exit 11
                [ "$(cat "$KIMEN_FILES_DIR/dir/token")" = "%1$s" ] || exit 12
                [ "$(cat "$TOKEN_PATH")" = "%1$s" ] || exit 13
                [ "$(cat)" = "%1$s" ] || exit 14
                [ "$PORT" = 5050 ] || exit 15
                [ "$FROM_EXEC" = "from exec" ] || exit 16
                [ "$PARENT_VAR" = kept ] || exit 17
                exit 0
                """.formatted(expected));
        Path map = tmp.resolve("app.kmap");
        Files.writeString(map, "env TOKEN=" + Canary.NAME + "   # a vault key\r\n"
                + "file dir/token=secret:" + Canary.NAME + "\r\n"
                + "envpath TOKEN_PATH=dir/token\r\n"
                + "stdin " + Canary.NAME + "\r\n"
                + "env PORT=const:5050\r\n");
        var r = kimen.with("PARENT_VAR", "kept")
                .run("run", "--map", map.toString(), "--env", "FROM_EXEC=exec:printf from\\040exec", "--", check.toString());
        // exec: splits on whitespace, so printf sees its format with an escaped space
        assertEquals(0, r.exit(), r.describe());
    }

    @Test
    void profileLookupOrderWithAllFourLocations() throws Exception {
        Path home = kimen.home();
        List<Path> places = List.of(tmp.resolve("explicit"), home.resolve(".kimen/profiles"),
                home.resolve("xdg/kimen/profiles"), home.resolve(".config/kimen/profiles"));
        for (int i = 0; i < places.size(); i++) {
            Files.createDirectories(places.get(i));
            Files.writeString(places.get(i).resolve("p.kmap"), "env WHICH=const:" + i + "\n");
        }
        Kimen k = kimen.with("KIMEN_PROFILE_DIR", places.get(0).toString())
                .with("XDG_CONFIG_HOME", home.resolve("xdg").toString())
                .with("KIMEN_VAULT", kimen.defaultVault().toString());
        for (int i = 0; i < places.size(); i++) {
            var r = k.run("run", "--profile", "p", "--", "sh", "-c", "printf %s \"$WHICH\"");
            assertEquals(String.valueOf(i), r.out(), r.describe());
            Files.delete(places.get(i).resolve("p.kmap"));
        }
        var none = k.run("run", "--profile", "p", "--json", "--", "true");
        assertEquals(22, none.exit());
        assertTrue(none.stderr().contains("profile_not_found"), none.stderr());
    }

    @Test
    void planAndLintNeverShowValuesNorNeedTheVault() throws Exception {
        Path map = tmp.resolve("m.kmap");
        Files.writeString(map, "env TOKEN=" + Canary.NAME + "\nfile t=" + Canary.NAME + "\nenvpath P=t\n");
        Kimen noVault = kimen.with("KIMEN_VAULT", tmp.resolve("absent.kv").toString()).with("KIMEN_PASSPHRASE", "");
        var plan = noVault.run("plan", "--map", map.toString(), "--json");
        assertEquals(0, plan.exit(), plan.describe());
        assertTrue(plan.out().contains("\"source\":\"secret:" + Canary.NAME + "\""), plan.out());
        assertEquals(0, noVault.run("map", "lint", "--map", map.toString()).exit());

        Files.writeString(map, "env TOKEN=" + Canary.NAME + "\nbogus line\nstdin a\nstdin b\n");
        var lint = noVault.run("map", "lint", "--map", map.toString(), "--json");
        assertEquals(20, lint.exit());
        assertTrue(lint.out().contains("\"origin\":\"" + map + ":2\""), lint.out());
        Files.writeString(map, "stdin a\nstdin b\n");
        assertEquals(0, noVault.run("map", "lint", "--map", map.toString()).exit());
        assertEquals(20, noVault.run("map", "lint", "--map", map.toString(), "--strict").exit());
        assertEquals(20, noVault.run("run", "--map", map.toString(), "--", "true").exit());
    }

    @Test
    void unsafePathsAndNulValuesStartNothing() throws Exception {
        Path marker = tmp.resolve("started");
        for (String[] args : List.of(
                new String[] {"--file", "../escape=" + Canary.NAME},
                new String[] {"--file", "/etc/kimen-x=" + Canary.NAME},
                new String[] {"--env", "X=nul.value"})) {
            var cmd = new java.util.ArrayList<>(List.of("run"));
            cmd.addAll(List.of(args));
            cmd.addAll(List.of("--json", "--", "touch", marker.toString()));
            var r = kimen.run(cmd.toArray(String[]::new));
            assertTrue(r.exit() == 26 || r.exit() == 25, r.describe());
            assertFalse(Files.exists(marker), String.join(" ", args));
        }
        assertFalse(Files.exists(tmp.resolve("escape")));
    }
}
