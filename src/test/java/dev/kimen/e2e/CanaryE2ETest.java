package dev.kimen.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * DESIGN §8: a secret goes nowhere but where the command's purpose is to print it. The canary
 * value is read, listed, copied, moved, rekeyed, removed and run into every kind of error; only
 * the stdout of {@code secret get} of its name may show it. (Every other e2e class checks its own
 * runs the same way after it finishes: their vaults hold the canary too.)
 */
class CanaryE2ETest {
    private static final String PASS = "e2e canary passphrase";
    private static final String NEW_PASS = "e2e canary rekeyed";
    private static final String WRONG_PASS = "e2e canary wrong passphrase";

    @RegisterExtension
    static final OutputLog LOG = new OutputLog().forbidding(PASS, NEW_PASS, WRONG_PASS);

    @TempDir
    Path tmp;

    @Test
    void theValueShowsOnlyWhereItIsAskedFor() {
        Kimen kimen = Kimen.in(tmp.resolve("home"), LOG);
        Kimen unlocked = kimen.with("KIMEN_PASSPHRASE", PASS);
        Vaults.create(kimen.defaultVault(), PASS, Map.of("other", utf8("other-value")));
        byte[] canaryLine = (Canary.VALUE + "\n").getBytes(StandardCharsets.UTF_8);

        // Where it belongs.
        assertArrayEquals(Canary.bytes(), unlocked.run("secret", "get", Canary.NAME).ok().stdout());
        assertEquals(Canary.VALUE, unlocked.run("secret", "get", Canary.NAME, "--json").json().getString("value"));

        // Reading, listing, inspecting.
        unlocked.run("secret", "list").ok();
        unlocked.run("--json", "secret", "list").json();
        unlocked.run("secret", "get", "other").ok();
        unlocked.run("secret", "get", "missing").failsHumanly(22);
        unlocked.run("secret", "get", "missing", "--json").failsWith(22, "secret_not_found");
        unlocked.run("vault", "info").ok();
        unlocked.run("vault", "info", "--json").json();
        unlocked.run("vault", "path", "--json").json();
        unlocked.run("config", "show").ok();
        unlocked.run("--help").ok();
        unlocked.run("secret", "set", "--help").ok();
        unlocked.run("secret").failsHumanly(2);

        // Writing it elsewhere, by every input path, and failing to.
        unlocked.runWithStdin(Canary.bytes(), "secret", "set", "canary.copy", "--stdin", "--json").json();
        unlocked.runWithStdin(canaryLine, "secret", "set", "canary.copy", "--stdin").ok(); // warns about the newline
        unlocked.run("secret", "set", "canary.argv", "--value", Canary.VALUE).ok(); // warns about --value
        unlocked.runWithStdin(Canary.bytes(), "secret", "set", "bad name", "--stdin", "--json").failsWith(2, "usage");
        unlocked.run("secret", "set", "bad name", "--value", Canary.VALUE, "--json").failsWith(2, "usage");
        unlocked.run("secret", "set", "canary.argv", "--value", Canary.VALUE, "--stdin", "--json")
                .failsWith(2, "usage");
        unlocked.runWithStdin(Canary.bytes(), "secret", "set", "x", "--stdin", "--passphrase-stdin", "--json")
                .failsWith(2, "usage");

        // Moving it.
        unlocked.run("secret", "mv", Canary.NAME, "canary.copy", "--json").failsWith(24, "secret_exists");
        unlocked.run("secret", "mv", Canary.NAME, Canary.MOVED).ok();
        unlocked.run("secret", "get", Canary.NAME, "--json").failsWith(22, "secret_not_found");
        assertArrayEquals(Canary.bytes(), unlocked.run("secret", "get", Canary.MOVED).ok().stdout());

        // Failing to unlock.
        Kimen wrong = kimen.with("KIMEN_PASSPHRASE", WRONG_PASS);
        wrong.run("secret", "get", Canary.MOVED, "--json").failsWith(23, "wrong_passphrase");
        wrong.run("secret", "list").failsHumanly(23);
        kimen.run("secret", "get", Canary.MOVED).failsHumanly(23);
        kimen.run("secret", "get", Canary.MOVED, "--passphrase-cmd", "false", "--json")
                .failsWith(27, "passphrase_cmd_failed");

        // Rekeying and removing.
        Kimen rekeying = unlocked.with("KIMEN_NEW_PASSPHRASE", NEW_PASS);
        rekeying.run("vault", "rekey", "--dry-run").ok();
        rekeying.run("vault", "rekey", "--json").json();
        Kimen rekeyed = kimen.with("KIMEN_PASSPHRASE", NEW_PASS);
        rekeyed.run("secret", "rm", "canary.copy", "--json").json();
        rekeyed.run("secret", "rm", "canary.argv").ok();
        rekeyed.run("secret", "rm", "canary.copy", "--json").failsWith(22, "secret_not_found");
        assertEquals(List.of(Canary.MOVED, "other"), rekeyed.run("secret", "list").ok().lines());
        assertArrayEquals(Canary.bytes(), rekeyed.run("secret", "get", Canary.MOVED).ok().stdout());

        assertEquals(List.of(), LOG.leaks(), "the canary value leaked into these outputs");
        assertTrue(LOG.allowedSightings() >= 4, "the check must see the value where it belongs, or it sees nothing");
    }

    /**
     * A value typed on the command line is already exposed (history, process list), but a usage
     * error must not copy it into stderr as well: that is what CI keeps in its logs.
     */
    @Test
    void usageErrorsDoNotRepeatAValueFromTheCommandLine() {
        Kimen unlocked = Kimen.in(tmp.resolve("home"), LOG).with("KIMEN_PASSPHRASE", PASS);
        Vaults.create(unlocked.defaultVault(), PASS, Map.of());

        // `secret set <name> <value>`: the value where only a name goes.
        unlocked.run("secret", "set", "api.token", Canary.VALUE).failsHumanly(2);
        unlocked.run("secret", "set", "api.token", Canary.VALUE, "--json").failsWith(2, "usage");
        // A mistyped option: its argument becomes a stray one.
        unlocked.run("secret", "set", "api.token", "--valeu", Canary.VALUE).failsHumanly(2);
        // --value twice.
        unlocked.run("secret", "set", "api.token", "--value", Canary.VALUE, "--value", Canary.VALUE).failsHumanly(2);

        assertEquals(List.of(), LOG.leaks(), "a usage error repeated the value given on the command line");
    }

    /**
     * The argv check every e2e class runs ({@link OutputLog}) sees a secret in the argv of a
     * command kimen ran, and not in the argv of a process kimen has nothing to do with.
     */
    @Test
    void theArgvWatchSeesASecretInTheArgvOfACommandKimenRan() throws Exception {
        String probe = "kimen-argv-probe-" + java.util.HexFormat.of().formatHex(java.security.SecureRandom.getSeed(4));
        Kimen kimen = Kimen.in(tmp.resolve("home"), new OutputLog());
        try (var watch = ArgvWatch.start(List.of(probe))) {
            // not kimen's: the harness's own process
            Process own = new ProcessBuilder("sh", "-c", "sleep 3; :", probe).start();
            // kimen's: a command `kimen run` started ("; :" keeps sh itself alive, with its argv)
            kimen.run("run", "--", "sh", "-c", "sleep 1; :", probe).ok();
            own.destroyForcibly().waitFor();
            var seen = watch.sightings();
            assertTrue(seen.stream().anyMatch(argv -> argv.getFirst().endsWith("sh")
                    && argv.subList(1, argv.size()).equals(List.of("-c", "sleep 1; :", "<secret#0>"))), seen::toString);
            assertTrue(seen.stream().noneMatch(argv -> argv.contains("sleep 3; :")), seen::toString);
            assertTrue(watch.samples() > 0);
        }
    }

    /**
     * The file check every e2e class runs after each test ({@link OutputLog}) sees the canary in a
     * file under a home kimen ran in and in a files dir left in the temp dir, and not in the runs'
     * recorded outputs nor in a file the test declared it keeps.
     */
    @Test
    void theFileCheckSeesTheCanaryInAFileLeftBehind() throws Exception {
        var probe = new OutputLog();
        probe.beforeEach(null);
        Path home = tmp.resolve("probe-home");
        Kimen.in(home, probe);
        Path config = Files.createDirectories(home.resolve(".config/kimen")).resolve("left.txt");
        Path output = home.resolve(Kimen.IO_DIR).resolve("stdout");
        Path kept = probe.keeps(home.resolve("export.env"));
        Path filesDir = Files.createTempDirectory("kimen-");
        Path projected = filesDir.resolve("token");
        try {
            for (Path f : List.of(config, output, kept, projected)) {
                Files.write(f, Canary.bytes());
            }
            assertEquals(List.of(config.toString(), projected.toString()).stream().sorted().toList(), probe.leftBehind());
        } finally {
            Files.delete(projected);
            Files.delete(filesDir);
            Files.delete(config);
            Files.delete(output);
            Files.delete(kept);
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
