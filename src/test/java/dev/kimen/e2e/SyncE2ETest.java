package dev.kimen.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.grack.nanojson.JsonArray;
import com.grack.nanojson.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 6 as the seed's {@code make sync-e2e} and {@code make sync-e2e-git}: every test runs once
 * over a shared directory and once over a bare git repository driven by the real git. Users with
 * separate HOMEs and vaults push and pull through the real bin/kimen; edits to different names
 * merge (only when reconciling), the same name edited on both sides stops with 31 and keeps both
 * values until resolved, a push after the remote moved and a stale lock are 32, a bad pull can be
 * restored, members come and go, and neither the remote nor any git object holds a plaintext value.
 */
class SyncE2ETest {
    private static final String ALICE_PASS = "e2e sync alice passphrase";
    private static final String BOB_PASS = "e2e sync bob passphrase";
    private static final String CAROL_PASS = "e2e sync carol passphrase";
    private static final List<String> VALUES = List.of("value-a-1", "value-c-1", Canary.VALUE);

    @RegisterExtension
    static final OutputLog LOG = new OutputLog().forbidding(ALICE_PASS, BOB_PASS, CAROL_PASS);

    @TempDir
    Path tmp;

    enum Kind { FS, GIT }

    private TeamRemote remote;
    private Kimen alice;
    private Kimen bob;
    /** The fingerprint of the team's members as alice set them up: what bob is told out of band. */
    private String fingerprint;

    /** Alice sets the remote up for herself and Bob; Bob has not pulled yet. */
    private void team(Kind kind) throws IOException {
        remote = TeamRemote.of(kind == Kind.GIT, tmp);
        alice = member("alice", ALICE_PASS, Map.of("team.a", utf8("value-a-1"), "team.c", utf8("value-c-1")));
        bob = member("bob", BOB_PASS, Map.of());
        JsonObject init = alice.run("sync", "init", "--remote", "team", "--member", memberKey(bob), "--json").json();
        assertEquals(2, init.getInt("recipients"));
        fingerprint = init.getString("fingerprint");
    }

    private Kimen member(String name, String pass, Map<String, byte[]> secrets) {
        Kimen k = Kimen.in(tmp.resolve(name), LOG).with("KIMEN_PASSPHRASE", pass);
        Vaults.create(k.defaultVault(), pass, secrets);
        k.run("bundle", "keygen", "--out", key(k).toString()).ok();
        k.run("remote", "add", "team", remote.url(), "--identity", key(k).toString()).ok();
        return k;
    }

    private static Path key(Kimen k) {
        return k.home().resolve("team-key.txt");
    }

    private static String recipient(Kimen k) {
        return k.run("bundle", "recipient", key(k).toString()).ok().out().strip();
    }

    /** What a member sends the team to be added: label, recipient and signing key. */
    static String memberKey(Kimen k) {
        return k.run("sync", "whoami", "--identity", key(k).toString(), "--label", k.home().getFileName().toString())
                .ok().out().strip();
    }

    private static String get(Kimen k, String name) {
        return k.run("secret", "get", name).ok().out();
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void editsToDifferentNamesMergeOnlyWhenReconciling(Kind kind) throws IOException {
        team(kind);
        JsonObject joined = bob.run("sync", "pull", "--expect", fingerprint, "--json").json(); // the vault's only remote
        assertEquals("sync_pull", joined.getString("action"));
        assertEquals("value-a-1", get(bob, "team.a"));

        bob.run("secret", "set", "team.b", "--value", "value-b-1").ok();
        alice.run("secret", "set", "team.a", "--value", "value-a-2").ok();
        assertEquals(true, alice.run("sync", "push", "--remote", "team", "--json").json().getBoolean("published"));
        bob.run("sync", "push", "--remote", "team", "--json").failsWith(32, "remote_changed");

        byte[] before = Vaults.bytes(bob.defaultVault());
        bob.run("sync", "pull", "--remote", "team", "--json").failsWith(31, "reconcile_required");
        assertArrayEquals(before, Vaults.bytes(bob.defaultVault()), "a pull that stops changes nothing");

        JsonObject merged = bob.run("sync", "pull", "--reconcile", "--remote", "team", "--json").json();
        assertEquals(true, merged.getBoolean("local_changed"));
        assertTrue(Files.exists(Path.of(merged.getString("backup"))), "a pull that changes the vault backs it up first");
        assertEquals("value-a-2", get(bob, "team.a"));
        assertEquals("value-b-1", get(bob, "team.b"), "bob's unpushed change survives the pull");
        assertEquals(List.of("team.b"), names(bob.run("sync", "changes", "--json").json().getArray("local_changes")));
        bob.run("sync", "push", "--remote", "team").ok();
        assertEquals(false, bob.run("sync", "push", "--json").json().getBoolean("published"), "nothing left to push");

        alice.run("sync", "pull", "--remote", "team").ok(); // only the remote moved: no reconcile needed
        assertEquals("value-b-1", get(alice, "team.b"));
        assertEquals("value-a-2", get(alice, "team.a"));
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void theSameNameChangedOnBothSidesStopsUntilResolved(Kind kind) throws IOException {
        team(kind);
        bob.run("sync", "pull", "--remote", "team", "--expect", fingerprint).ok();
        alice.run("secret", "set", "team.c", "--value", "from-alice").ok();
        alice.run("sync", "push", "--remote", "team").ok();
        bob.run("secret", "set", "team.c", "--value", "from-bob").ok();
        byte[] before = Vaults.bytes(bob.defaultVault());

        JsonObject conflict = bob.run("sync", "pull", "--reconcile", "--remote", "team", "--json")
                .failsWith(31, "sync_conflict");
        assertTrue(conflict.getString("error").contains("team.c"));
        assertArrayEquals(before, Vaults.bytes(bob.defaultVault()), "a conflict changes nothing");
        JsonObject listed = bob.run("sync", "conflicts", "--strict", "--json").report(31, "sync_conflict");
        assertEquals(List.of("team.c"), listed.getArray("conflicts").stream().toList());
        JsonObject preflight = bob.run("sync", "preflight", "--strict", "--json").report(31, "sync_conflict");
        assertEquals("fail", check(preflight, "no_conflicts").getString("status"));
        bob.run("sync", "--json").report(31, "sync_conflict");
        for (var r : List.of(listed, preflight, conflict)) {
            assertFalse(r.toString().contains("from-alice") || r.toString().contains("from-bob"), "names, never values");
        }

        assertEquals("from-alice", get(alice, "team.c"), "both values are kept until resolved");
        alice.run("sync", "pull").ok();
        assertEquals("from-alice", get(alice, "team.c"), "the remote still holds alice's value");
        JsonObject resolved = bob.run("sync", "resolve", "team.c", "--take", "local", "--remote", "team", "--json").json();
        assertEquals("team.c", resolved.getString("resolved"));
        assertEquals(List.of(), resolved.getArray("conflicts").stream().toList(), "none left");
        JsonObject synced = bob.run("sync", "--json").report(0, null);
        assertEquals(List.of("pull", "push"), synced.getArray("steps").stream()
                .map(s -> ((JsonObject) s).getString("step")).toList());
        assertEquals(true, synced.getArray("steps").getObject(1).getBoolean("published"));
        alice.run("sync").ok();
        assertEquals("from-bob", get(alice, "team.c"));
        assertEquals("from-bob", get(bob, "team.c"));
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aStaleLockOrNoBaselineRefusesAPush(Kind kind) throws IOException {
        team(kind);
        bob.run("sync", "push", "--remote", "team", "--json").failsWith(32, "no_local_baseline");
        bob.run("sync", "preflight", "--strict", "--json").report(32, "no_local_baseline");
        assertEquals(0, bob.run("sync", "preflight", "--json").report(0, null).getInt("exit_code"),
                "without --strict a preflight only reports");

        remote.plantLock();
        alice.run("secret", "set", "team.d", "--value", "value-d-1").ok();
        alice.run("sync", "push", "--remote", "team", "--json").failsWith(32, "remote_lock_present");
        JsonObject preflight = alice.run("sync", "preflight", "--strict", "--json").report(32, "remote_lock_present");
        assertEquals("fail", check(preflight, "remote_unlocked").getString("status"));
        assertEquals("pass", check(preflight, "remote_reachable").getString("status"));

        var unlock = alice.run("sync", "unlock", "--remote", "team", "--json");
        assertEquals(true, unlock.json().getBoolean("removed"));
        assertTrue(unlock.stderr().contains("warning"), unlock.describe());
        assertEquals(true, alice.run("sync", "push", "--json").json().getBoolean("published"));
        alice.run("sync", "preflight", "--strict", "--json").report(0, null);
        bob.run("sync", "pull", "--expect", fingerprint).ok();
        assertEquals("value-d-1", get(bob, "team.d"));
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aBadPullIsRestored(Kind kind) throws IOException {
        team(kind);
        bob.run("config", "sync-backups", "3").ok();
        bob.run("sync", "pull", "--expect", fingerprint).ok();
        alice.run("secret", "set", "team.a", "--value", "oops").ok();
        alice.run("secret", "rm", "team.c").ok();
        alice.run("sync", "push").ok();
        int backups = bob.run("sync", "restore", "--list", "--json").json().getArray("backups").size();
        bob.run("sync", "pull").ok();
        assertEquals("oops", get(bob, "team.a"));

        // A local backup needs no age identity: restoring works with the key file gone.
        Path away = Files.move(key(bob), bob.home().resolve("key-elsewhere.txt"));
        JsonObject restored = bob.run("sync", "restore", "--json").json();
        assertEquals("value-a-1", get(bob, "team.a"));
        assertEquals("value-c-1", get(bob, "team.c"));
        assertTrue(Files.exists(Path.of(restored.getString("backup"))), "what a restore replaces is kept");
        JsonObject listed = bob.run("sync", "restore", "--list", "--json").json();
        assertEquals(backups + 2, listed.getArray("backups").size(), "one backup before the pull, one before the restore");
        assertEquals(3, listed.getInt("keep"));
        Files.move(away, key(bob));

        JsonObject changes = bob.run("sync", "changes", "--json").json();
        assertEquals(List.of("team.a", "team.c"), names(changes.getArray("local_changes")));
        bob.run("sync", "push").ok(); // the restored state becomes the team's
        alice.run("sync", "pull").ok();
        assertEquals("value-c-1", get(alice, "team.c"));

        // Old backups hold old values: only the newest are kept, as many as configured.
        bob.run("config", "sync-backups", "2").ok();
        alice.run("secret", "set", "team.x", "--value", "value-x-1").ok();
        alice.run("sync", "push").ok();
        bob.run("sync", "pull").ok();
        var kept = bob.run("sync", "restore", "--list", "--json").json().getArray("backups");
        assertEquals(List.of(listed.getArray("backups").getString(2)), kept.stream().limit(1).toList(),
                "the two newest: the one before the restore, and the one this pull took");
        assertEquals(2, kept.size());
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void membersComeAndGoAndTheRemoteHoldsOnlyCiphertext(Kind kind) throws IOException {
        team(kind);
        Kimen carol = member("carol", CAROL_PASS, Map.of());
        carol.run("sync", "pull", "--json").failsWith(32, "not_a_recipient");

        JsonObject adding = alice.run("sync", "recipients", "add", memberKey(carol), "--json").json();
        assertEquals(List.of(recipient(carol)), adding.getArray("adding").stream()
                .map(m -> ((JsonObject) m).getString("recipient")).toList());
        bob.run("sync", "pull", "--expect", fingerprint).ok();
        bob.run("sync", "recipients", "add", memberKey(carol)).ok(); // both queue the same member
        JsonObject three = alice.run("sync", "push", "--json").json();
        assertEquals(3, three.getInt("recipients"));
        bob.run("sync").ok(); // carol is on the remote already: bob's pending change is done
        carol.run("sync", "pull", "--expect", three.getString("fingerprint")).ok();
        assertEquals("value-c-1", get(carol, "team.c"));
        assertEquals(Canary.VALUE, get(carol, Canary.NAME));

        alice.run("sync", "recipients", "rm", recipient(carol)).ok();
        assertEquals(2, alice.run("sync", "push", "--json").json().getInt("recipients"));
        bob.run("secret", "set", "team.e", "--value", "value-e-1").ok();
        JsonObject bobs = bob.run("sync", "--json").report(0, null);
        assertEquals(2, bobs.getArray("steps").getObject(1).getInt("recipients"),
                "no stale pending change brings a removed member back");
        carol.run("sync", "pull", "--json").failsWith(32, "not_a_recipient");
        alice.run("sync", "recipients", "add", memberKey(carol)).ok();
        alice.run("sync").ok();

        var removed = alice.run("sync", "recipients", "rm", recipient(bob));
        removed.ok();
        assertTrue(removed.stderr().contains("may keep copies") && removed.stderr().contains("team.c"), removed.describe());
        alice.run("sync", "recipients", "rm", recipient(alice), "--json").failsWith(2, "usage");
        JsonObject pushed = alice.run("sync", "push", "--json").json();
        assertEquals(List.of(recipient(bob)), pushed.getArray("removed_recipients").stream().toList());
        assertEquals(2, pushed.getInt("recipients"));
        bob.run("sync", "pull", "--json").failsWith(32, "not_a_recipient");
        JsonObject outside = bob.run("sync", "preflight", "--strict", "--json").report(32, "not_a_recipient");
        assertEquals("fail", check(outside, "recipient").getString("status"));
        carol.run("sync", "pull").ok();
        assertEquals("value-e-1", get(carol, "team.e"));

        var stores = new ArrayList<String>();
        stores.add(remote.everything());
        for (Kimen k : List.of(alice, bob, carol)) {
            stores.add(TeamRemote.GitRepo.objectsUnder(k.home())); // kimen's git caches (nothing for a directory remote)
        }
        for (String text : stores) {
            for (String value : VALUES) {
                assertFalse(text.contains(value), "a remote or cache holds the plaintext " + value);
            }
        }
        assertTrue(stores.getFirst().contains("age-encryption.org/v1"), "the remote holds the age file");
    }

    @ParameterizedTest
    @EnumSource(value = Kind.class, names = "GIT") // Sync's logic, not the transport's: once is enough
    void anIdentityChangeNeedsABaselineReset(Kind kind) throws IOException {
        team(kind);
        bob.run("sync", "pull", "--expect", fingerprint).ok();
        Path newKey = bob.home().resolve("new-key.txt");
        bob.run("bundle", "keygen", "--out", newKey.toString()).ok();
        String newMember = bob.run("sync", "whoami", "--identity", newKey.toString(), "--label", "bob-new").ok().out().strip();
        alice.run("sync", "recipients", "add", newMember).ok();
        alice.run("sync", "push").ok();
        bob.run("remote", "set", "team", remote.url(), "--identity", newKey.toString()).ok();
        JsonObject stuck = bob.run("sync", "status", "--json").failsWith(32, "no_local_baseline");
        assertTrue(stuck.getString("hint").contains("reset-baseline"), stuck.toString());

        assertEquals(true, bob.run("sync", "reset-baseline", "--json").json().getBoolean("removed"));
        bob.run("secret", "set", "team.a", "--value", "bob-meanwhile").ok();
        bob.run("sync", "pull", "--json").failsWith(31, "sync_conflict"); // a first join compares every name
        assertEquals(List.of("team.a"), bob.run("sync", "conflicts", "--json").json().getArray("conflicts").stream().toList());
        JsonObject took = bob.run("sync", "resolve", "team.a", "--take", "remote", "--json").json();
        assertTrue(Files.exists(Path.of(took.getString("backup"))), "taking the remote's value backs up first");
        assertEquals("value-a-1", get(bob, "team.a"));
        bob.run("sync", "pull").ok();
        bob.run("sync", "preflight", "--strict", "--json").report(0, null);
    }

    @org.junit.jupiter.api.Test
    void aRemoteAtANewUrlIsJoinedAfreshAndABackupFromBeforeARekeySaysSo() throws IOException {
        team(Kind.FS);
        bob.run("sync", "pull", "--expect", fingerprint).ok();
        // Another remote, whose vault lacks team.c and has another team.a.
        Path other = Files.createDirectory(tmp.resolve("other"));
        alice.run("secret", "set", "team.a", "--value", "other-a").ok();
        alice.run("secret", "rm", "team.c").ok();
        alice.run("remote", "add", "other", other.toString()).ok();
        String otherTeam = alice.run("sync", "init", "--remote", "other", "--identity", key(alice).toString(), "--member",
                memberKey(bob), "--json").json().getString("fingerprint");
        bob.run("remote", "set", "team", other.toString()).ok();
        bob.run("sync", "pull", "--json").failsWith(32, "membership_unconfirmed"); // another URL: another team
        bob.run("sync", "pull", "--expect", otherTeam, "--json").failsWith(31, "sync_conflict"); // not a deletion of team.c
        assertEquals("value-c-1", get(bob, "team.c"));

        bob.run("sync", "resolve", "team.a", "--take", "remote").ok();
        Kimen rekeyed = bob.with("KIMEN_NEW_PASSPHRASE", BOB_PASS + " 2");
        rekeyed.run("vault", "rekey", "--no-backup").ok();
        JsonObject old = bob.with("KIMEN_PASSPHRASE", BOB_PASS + " 2").run("sync", "restore", "--json")
                .failsWith(23, "wrong_passphrase");
        assertTrue(old.getString("error").contains("before a vault rekey"), old.toString());

        bob.run("remote", "rm", "team").ok();
        try (Stream<Path> left = Files.walk(bob.home())) {
            assertEquals(List.of(), left.filter(p -> p.getFileName().toString().startsWith("team.")
                    && p.toString().contains("/kimen/sync/")).toList(), "remote rm forgets its baseline");
        }
    }

    private static JsonObject check(JsonObject preflight, String name) {
        return preflight.getArray("checks").stream().map(JsonObject.class::cast)
                .filter(c -> c.getString("name").equals(name)).findFirst().orElseThrow();
    }

    private static List<String> names(JsonArray changes) {
        return changes.stream().map(c -> ((JsonObject) c).getString("name")).toList();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
