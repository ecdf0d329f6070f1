package dev.kimen.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.grack.nanojson.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 6 over a shared-directory remote, as the seed's {@code make sync-e2e}: users with separate
 * HOMEs and vaults push and pull through the real bin/kimen; edits to different names merge, the
 * same name edited on both sides stops with 31 and keeps both values until resolved, a push after
 * the remote moved and a stale lock are 32, and the remote never holds a plaintext value.
 */
class SyncE2ETest {
    private static final String ALICE_PASS = "e2e sync alice passphrase";
    private static final String BOB_PASS = "e2e sync bob passphrase";
    private static final String CAROL_PASS = "e2e sync carol passphrase";

    @RegisterExtension
    static final OutputLog LOG = new OutputLog().forbidding(ALICE_PASS, BOB_PASS, CAROL_PASS);

    @TempDir
    Path tmp;

    private Path remote;
    private Kimen alice;
    private Kimen bob;

    @BeforeEach
    void team() throws IOException {
        remote = Files.createDirectory(tmp.resolve("remote"));
        alice = member("alice", ALICE_PASS, Map.of("team.a", utf8("value-a-1"), "team.c", utf8("value-c-1")));
        bob = member("bob", BOB_PASS, Map.of());
        alice.run("sync", "init", "--remote", "team", "--recipient", recipient(bob), "--json").json();
    }

    private Kimen member(String name, String pass, Map<String, byte[]> secrets) {
        Kimen k = Kimen.in(tmp.resolve(name), LOG).with("KIMEN_PASSPHRASE", pass);
        Vaults.create(k.defaultVault(), pass, secrets);
        Path key = k.home().resolve("team-key.txt");
        k.run("bundle", "keygen", "--out", key.toString()).ok();
        k.run("remote", "add", "team", remote.toString(), "--identity", key.toString()).ok();
        return k;
    }

    private static String recipient(Kimen k) {
        return k.run("bundle", "recipient", k.home().resolve("team-key.txt").toString()).ok().out().strip();
    }

    private static String get(Kimen k, String name) {
        return k.run("secret", "get", name).ok().out();
    }

    @Test
    void firstPullThenEditsToDifferentNamesMergeBothWays() {
        JsonObject joined = bob.run("sync", "pull", "--remote", "team", "--json").json();
        assertEquals("sync_pull", joined.getString("action"));
        assertEquals("value-a-1", get(bob, "team.a"));

        bob.run("secret", "set", "team.b", "--value", "value-b-1").ok();
        alice.run("secret", "set", "team.a", "--value", "value-a-2").ok();
        alice.run("sync", "push", "--remote", "team").ok();
        bob.run("sync", "push", "--remote", "team", "--json").failsWith(32, "remote_changed");

        JsonObject merged = bob.run("sync", "pull", "--remote", "team", "--json").json();
        assertEquals(true, merged.getBoolean("local_changed"));
        assertTrue(Files.exists(Path.of(merged.getString("backup"))), "a pull that changes the vault backs it up first");
        assertEquals("value-a-2", get(bob, "team.a"));
        assertEquals("value-b-1", get(bob, "team.b"), "bob's unpushed change survives the pull");
        bob.run("sync", "push", "--remote", "team").ok();

        alice.run("sync", "pull", "--remote", "team").ok();
        assertEquals("value-b-1", get(alice, "team.b"));
        assertEquals("value-a-2", get(alice, "team.a"));
    }

    @Test
    void theSameNameChangedOnBothSidesStopsUntilResolved() {
        bob.run("sync", "pull", "--remote", "team").ok();
        alice.run("secret", "set", "team.c", "--value", "from-alice").ok();
        alice.run("sync", "push", "--remote", "team").ok();
        bob.run("secret", "set", "team.c", "--value", "from-bob").ok();
        byte[] before = Vaults.bytes(bob.defaultVault());

        JsonObject conflict = bob.run("sync", "pull", "--remote", "team", "--json").failsWith(31, "sync_conflict");
        assertTrue(conflict.getString("error").contains("team.c"));
        assertFalse(conflict.toString().contains("from-alice") || conflict.toString().contains("from-bob"), "names, never values");
        assertArrayEquals(before, Vaults.bytes(bob.defaultVault()), "a conflict changes nothing");
        assertEquals(List.of("team.c"), bob.run("sync", "status", "--remote", "team", "--json").json()
                .getArray("conflicts").stream().toList());

        bob.run("sync", "resolve", "team.c", "--take", "local", "--remote", "team").ok();
        bob.run("sync", "pull", "--remote", "team").ok();
        bob.run("sync", "push", "--remote", "team").ok();
        alice.run("sync", "pull", "--remote", "team").ok();
        assertEquals("from-bob", get(alice, "team.c"));
    }

    @Test
    void aStaleLockOrNoBaselineRefusesAPush() throws IOException {
        bob.run("sync", "push", "--remote", "team", "--json").failsWith(32, "no_local_baseline");
        Files.writeString(remote.resolve("lock"), "crashed push\n");
        alice.run("sync", "push", "--remote", "team", "--json").failsWith(32, "remote_lock_present");
        JsonObject unlocked = alice.run("sync", "unlock", "--remote", "team", "--json").json();
        assertEquals(true, unlocked.getBoolean("removed"));
        alice.run("sync", "push", "--remote", "team").ok();
    }

    @Test
    void theRemoteHoldsOnlyCiphertextAndAThirdRecipientCanPull() throws IOException {
        Kimen carol = member("carol", CAROL_PASS, Map.of());
        Path second = Files.createDirectory(tmp.resolve("remote2"));
        alice.run("remote", "add", "wide", second.toString()).ok();
        alice.run("sync", "init", "--remote", "wide", "--identity", alice.home().resolve("team-key.txt").toString(),
                "--recipient", recipient(bob), "--recipient", recipient(carol)).ok();
        carol.run("remote", "add", "wide", second.toString(), "--identity", carol.home().resolve("team-key.txt").toString()).ok();
        carol.run("sync", "pull", "--remote", "wide").ok();
        assertEquals("value-c-1", get(carol, "team.c"));
        assertEquals(Canary.VALUE, get(carol, Canary.NAME));

        for (Path dir : List.of(remote, second)) {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    String text = Files.readString(f, StandardCharsets.ISO_8859_1);
                    for (String value : List.of("value-a-1", "value-c-1", Canary.VALUE)) {
                        assertFalse(text.contains(value), f + " holds a plaintext value");
                    }
                }
            }
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
