package dev.kimen.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * DESIGN §2: writes are atomic and durable. A {@code secret set} is SIGKILLed at a random moment,
 * round after round; after each round the vault still opens and holds every write that was
 * acknowledged (the process exited 0 before the kill). A write that was cut off is either
 * absent or complete, never torn.
 *
 * <p>The seed is printed; rerun one sequence with {@code -Dkimen.e2e.seed=<seed>}.
 */
class CrashE2ETest {
    private static final String PASS = "e2e crash passphrase";
    private static final int ROUNDS = 30;
    private static final int MIN_ROUNDS = 10;
    private static final long BUDGET_NANOS = TimeUnit.SECONDS.toNanos(60);
    private static final int MAX_DELAY_MS = 1500;

    @RegisterExtension
    static final OutputLog LOG = new OutputLog().forbidding(PASS);

    @TempDir
    Path tmp;

    @Test
    void killedWritersNeverCorruptTheVaultNorLoseAcknowledgedWrites() throws Exception {
        long seed = Long.getLong("kimen.e2e.seed", System.nanoTime());
        System.out.println("CrashE2ETest seed: " + seed + " (rerun with -Dkimen.e2e.seed=" + seed + ")");
        var random = new Random(seed);

        Kimen kimen = Kimen.in(tmp.resolve("home"), LOG).with("KIMEN_PASSPHRASE", PASS);
        Path vault = Vaults.create(kimen.defaultVault(), PASS, Map.of());
        var acknowledged = new LinkedHashMap<String, byte[]>();
        acknowledged.put(Canary.NAME, Canary.bytes());
        var cutOff = new LinkedHashMap<String, byte[]>();
        int killed = 0;

        long start = System.nanoTime();
        int round = 0;
        for (; round < ROUNDS && (round < MIN_ROUNDS || System.nanoTime() - start < BUDGET_NANOS); round++) {
            String name = "crash.round" + round;
            byte[] value = new byte[1 + random.nextInt(4096)];
            random.nextBytes(value);
            int delay = random.nextInt(MAX_DELAY_MS + 1);
            String context = "seed " + seed + ", round " + round + ", kill after " + delay + " ms";

            Kimen.Running writer = kimen.start(value, "secret", "set", name, "--stdin");
            boolean exitedBeforeKill = writer.process().waitFor(delay, TimeUnit.MILLISECONDS);
            if (!exitedBeforeKill) {
                writer.process().destroyForcibly(); // SIGKILL: bin/kimen execs java, so this is the JVM
                killed++;
            }
            Kimen.Result result = writer.finish();
            if (exitedBeforeKill) {
                assertEquals(0, result.exit(), () -> context + "\n" + result.describe());
                acknowledged.put(name, value);
            } else {
                cutOff.put(name, value);
            }

            List<String> names = kimen.run("secret", "list").ok().lines();
            assertTrue(names.containsAll(acknowledged.keySet()), () -> context + ": acknowledged writes missing from "
                    + names);
            Map<String, byte[]> contents = Vaults.read(vault, PASS);
            acknowledged.forEach((n, v) -> assertArrayEquals(v, contents.get(n), context + ": " + n));
            cutOff.forEach((n, v) -> {
                if (contents.containsKey(n)) {
                    assertArrayEquals(v, contents.get(n), context + ": a cut-off write is torn: " + n);
                }
            });
            assertEquals("rw-------", Vaults.mode(vault), context);
        }
        Map<String, byte[]> contents = Vaults.read(vault, PASS);
        long landed = cutOff.keySet().stream().filter(contents::containsKey).count();
        System.out.println("CrashE2ETest: " + round + " rounds, " + (acknowledged.size() - 1)
                + " writes acknowledged, " + killed + " writers killed (" + landed + " of them had written)");

        // The next writer sweeps the temp files killed writers left behind.
        kimen.runWithStdin("after", "secret", "set", "crash.after", "--stdin").ok();
        assertEquals(List.of(), ConcurrencyE2ETest.tempFiles(vault));
        assertArrayEquals("after".getBytes(StandardCharsets.UTF_8),
                kimen.run("secret", "get", "crash.after").ok().stdout());
    }
}
