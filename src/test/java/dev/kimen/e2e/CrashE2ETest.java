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
 * DESIGN §2: writes are atomic and durable. A {@code secret set}, a {@code vault rekey} and a
 * {@code bundle open} are each SIGKILLed at random moments, round after round (up to 100 rounds,
 * as many as fit in a minute, at least 10); after each round the vault still opens and holds
 * every write that was acknowledged (the process exited 0 before the kill). A write that was cut
 * off is either absent or complete, never torn, and the next write sweeps its temp file.
 *
 * <p>The seed is printed; rerun one sequence with {@code -Dkimen.e2e.seed=<seed>}.
 */
class CrashE2ETest {
    private static final String PASS = "e2e crash passphrase";
    private static final int ROUNDS = 100;
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

    /**
     * A rekey killed at any moment leaves a vault that opens with the old passphrase or the new
     * one, never neither, with every secret as it was; no temp file stays once a write succeeds.
     */
    @Test
    void killedRekeysLeaveTheOldPassphraseOrTheNew() throws Exception {
        long seed = Long.getLong("kimen.e2e.seed", System.nanoTime());
        System.out.println("CrashE2ETest rekey seed: " + seed + " (rerun with -Dkimen.e2e.seed=" + seed + ")");
        var random = new Random(seed);
        Kimen kimen = Kimen.in(tmp.resolve("home"), LOG);
        Map<String, byte[]> secrets = Map.of("rekey.a", bytes(random, 300), "rekey.b", bytes(random, 5000));
        Path vault = Vaults.create(kimen.defaultVault(), PASS, secrets);
        Map<String, byte[]> expected = Vaults.read(vault, PASS);
        String current = PASS;
        int killed = 0;
        int round = 0;
        long start = System.nanoTime();
        for (; round < ROUNDS && (round < MIN_ROUNDS || System.nanoTime() - start < BUDGET_NANOS); round++) {
            String next = PASS + " round " + round;
            int delay = random.nextInt(MAX_DELAY_MS + 1);
            String context = "seed " + seed + ", round " + round + ", kill after " + delay + " ms";
            Kimen.Running rekey = kimen.with("KIMEN_PASSPHRASE", current)
                    .start((next + "\n").getBytes(StandardCharsets.UTF_8), "vault", "rekey", "--new-passphrase-stdin", "--no-backup");
            boolean exited = rekey.process().waitFor(delay, TimeUnit.MILLISECONDS);
            if (!exited) {
                rekey.process().destroyForcibly();
                killed++;
            }
            Kimen.Result result = rekey.finish();
            if (exited) {
                assertEquals(0, result.exit(), () -> context + "\n" + result.describe());
            }
            boolean old = opensWith(vault, current);
            boolean fresh = opensWith(vault, next);
            assertTrue(old ^ fresh, context + ": opens with the old passphrase " + old + ", with the new " + fresh);
            assertTrue(!exited || fresh, context + ": an acknowledged rekey was lost");
            current = fresh ? next : current;
            Map<String, byte[]> now = Vaults.read(vault, current);
            assertEquals(expected.keySet(), now.keySet(), context);
            expected.forEach((n, v) -> assertArrayEquals(v, now.get(n), context + ": " + n));
            assertEquals("rw-------", Vaults.mode(vault), context);
        }
        System.out.println("CrashE2ETest: " + round + " rekeys, " + killed + " killed");
        kimen.with("KIMEN_PASSPHRASE", current).runWithStdin("after", "secret", "set", "rekey.after", "--stdin").ok();
        assertEquals(List.of(), ConcurrencyE2ETest.tempFiles(vault));
    }

    /**
     * {@code bundle open} killed at any moment leaves no vault or a whole one (never a torn file),
     * and a later open sweeps what the killed one left.
     */
    @Test
    void killedBundleOpensLeaveNoVaultOrAWholeOne() throws Exception {
        long seed = Long.getLong("kimen.e2e.seed", System.nanoTime());
        System.out.println("CrashE2ETest bundle seed: " + seed + " (rerun with -Dkimen.e2e.seed=" + seed + ")");
        var random = new Random(seed);
        Kimen kimen = Kimen.in(tmp.resolve("home"), LOG).with("KIMEN_PASSPHRASE", PASS).with("KIMEN_NEW_PASSPHRASE", PASS);
        Path vault = Vaults.create(kimen.defaultVault(), PASS, Map.of("bundle.a", bytes(random, 2000)));
        Map<String, byte[]> expected = Vaults.read(vault, PASS);
        Path identity = tmp.resolve("id.txt");
        kimen.run("bundle", "keygen", "--out", identity.toString()).ok();
        String recipient = kimen.run("bundle", "recipient", identity.toString()).ok().out().strip();
        Path bundle = tmp.resolve("ci.age");
        kimen.run("bundle", "seal", "--recipient", recipient, "--out", bundle.toString()).ok();
        Path target = tmp.resolve("job").resolve("vault.kv");
        java.nio.file.Files.createDirectories(target.getParent());
        int killed = 0;
        int round = 0;
        long start = System.nanoTime();
        for (; round < ROUNDS && (round < MIN_ROUNDS || System.nanoTime() - start < BUDGET_NANOS); round++) {
            java.nio.file.Files.deleteIfExists(target);
            int delay = random.nextInt(MAX_DELAY_MS + 1);
            String context = "seed " + seed + ", round " + round + ", kill after " + delay + " ms";
            Kimen.Running open = kimen.start(new byte[0], "bundle", "open", bundle.toString(), "--identity",
                    identity.toString(), "--out-vault", target.toString());
            boolean exited = open.process().waitFor(delay, TimeUnit.MILLISECONDS);
            if (!exited) {
                open.process().destroyForcibly();
                killed++;
            }
            Kimen.Result result = open.finish();
            if (exited) {
                assertEquals(0, result.exit(), () -> context + "\n" + result.describe());
            }
            if (exited || java.nio.file.Files.exists(target)) {
                Map<String, byte[]> now = Vaults.read(target, PASS);
                assertEquals(expected.keySet(), now.keySet(), context);
                expected.forEach((n, v) -> assertArrayEquals(v, now.get(n), context + ": " + n));
                assertEquals("rw-------", Vaults.mode(target), context);
            }
        }
        System.out.println("CrashE2ETest: " + round + " bundle opens, " + killed + " killed");
        java.nio.file.Files.deleteIfExists(target);
        kimen.run("bundle", "open", bundle.toString(), "--identity", identity.toString(), "--out-vault", target.toString()).ok();
        assertEquals(List.of(), ConcurrencyE2ETest.tempFiles(target));
    }

    private static boolean opensWith(Path vault, String passphrase) {
        try {
            Vaults.read(vault, passphrase);
            return true;
        } catch (dev.kimen.KimenException e) {
            assertEquals(dev.kimen.Reason.WRONG_PASSPHRASE, e.reason(), e.getMessage());
            return false;
        }
    }

    private static byte[] bytes(Random random, int max) {
        byte[] value = new byte[1 + random.nextInt(max)];
        random.nextBytes(value);
        return value;
    }
}
