package dev.kimen.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.grack.nanojson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 7's OS keyring against a real Secret Service (gnome-keyring on a private D-Bus session bus
 * started by the test): {@code mima secret add} stores there and {@code mima run} reads it back,
 * {@code keyring:} sources, {@code secret … --store keyring}, {@code config unlock set --keyring},
 * and {@code keyring_unavailable} (never a hang, never the vault instead) without a bus, without a
 * Secret Service, with a locked keyring or with no default collection.
 */
class KeyringE2ETest {
    private static final String PASS = "e2e keyring vault passphrase";
    private static final String VALUE = "keyring-value-4b1d";

    @RegisterExtension
    static final OutputLog LOG = new OutputLog().forbidding(PASS);

    @TempDir
    Path tmp;

    private SecretServiceBus bus;
    private Kimen kimen;

    @BeforeEach
    void keyring() throws Exception {
        Kimen user = Kimen.in(tmp.resolve("home"), LOG);
        bus = SecretServiceBus.start(user.home());
        kimen = user.with("DBUS_SESSION_BUS_ADDRESS", bus.address());
        Vaults.create(kimen.defaultVault(), PASS, Map.of("vault.only", "from-the-vault".getBytes()));
    }

    @AfterEach
    void stop() {
        kimen.run("session", "stop");
        Daemons.killAll(kimen.home().resolve(".cache/kimen"));
        bus.close();
    }

    @Test
    void mimaStoresInTheKeyringAndItsGroupsReadFromIt() throws Exception {
        Kimen mima = kimen.mima();
        JsonObject added = mima.runWithStdin(VALUE + "\n", "secret", "add", "openai-key", "--json").json();
        assertEquals("keyring", added.getString("store"));
        assertEquals(VALUE, bus.lookup("openai-key"), "the real Secret Service holds it");
        mima.runWithStdin("again", "secret", "add", "openai-key", "--json").failsWith(24, "secret_exists");
        assertEquals(List.of("openai-key"), mima.run("secret", "list").ok().lines());

        var listed = mima.run("secret", "list");
        assertTrue(listed.stderr().startsWith("mima's store: the OS keyring"), listed.describe());
        mima.run("group", "link", "agent", "OPENAI_API_KEY", "openai-key").ok();
        var unknown = mima.run("group", "link", "agent", "FROM_VAULT", "vault.only").ok();
        assertTrue(unknown.stderr().contains("has no secret named vault.only yet; add it with: mima secret add vault.only"),
                "a bare name is the keyring's: it lacks this one, and says so at link time: " + unknown.describe());
        JsonObject notThere = mima.run("run", "--json", "agent", "--", "true").failsWith(22, "secret_not_found");
        assertEquals("add it with: mima secret add vault.only", notThere.getString("hint"),
                "never the vault's vault.only: the keyring is mima's store");
        mima.run("group", "link", "agent", "FROM_VAULT", "secret:vault.only").ok();
        // No passphrase given: the keyring's item needs none; the vault's is asked only for FROM_VAULT.
        assertEquals(VALUE, mima.run("run", "--env", "FROM_VAULT=const:x", "agent", "--", "sh", "-c",
                "printf %s \"$OPENAI_API_KEY\"").ok().out());
        assertEquals(VALUE + "|from-the-vault", mima.with("KIMEN_PASSPHRASE", PASS).run("run", "agent", "--scrub", "--",
                "sh", "-c", "printf '%s|%s' \"$OPENAI_API_KEY\" \"$FROM_VAULT\"").ok().out());

        var printed = mima.run("secret", "get", "openai-key");
        assertEquals(VALUE, printed.ok().out());
        assertTrue(printed.stderr().contains("warning"), "mima warns when it prints a secret: " + printed.describe());

        mima.run("secret", "rm", "openai-key").ok();
        assertNull(bus.lookup("openai-key"));
        mima.run("secret", "rm", "openai-key", "--store", "keyring", "--json").failsWith(22, "secret_not_found");
    }

    @Test
    void kimenReadsKeyringSourcesAndUnlocksTheVaultFromTheKeyring() throws Exception {
        kimen.runWithStdin(VALUE, "secret", "set", "api.token", "--store", "keyring", "--stdin").ok();
        assertEquals(VALUE, bus.lookup("api.token"));
        assertEquals(VALUE, kimen.run("run", "--env", "TOKEN=keyring:api.token", "--", "sh", "-c", "printf %s \"$TOKEN\"")
                .ok().out());
        assertEquals(VALUE, kimen.run("secret", "get", "api.token", "--store", "keyring").ok().out());
        assertEquals(List.of("api.token"), kimen.run("secret", "list", "--store", "keyring").ok().lines());
        kimen.run("run", "--json", "--env", "T=keyring:nope", "--", "true").failsWith(22, "secret_not_found");
        Files.writeString(kimen.home().resolve("gh.kmap"), "env GH_TOKEN=keyring:api.token\n");
        assertEquals(VALUE, kimen.run("run", "--map", "gh.kmap", "--", "sh", "-c", "printf %s \"$GH_TOKEN\"").ok().out(),
                "keyring: in a map file");

        kimen.runWithStdin(PASS, "secret", "set", "vault-passphrase", "--store", "keyring", "--stdin").ok();
        kimen.run("config", "unlock", "set", "--keyring", "vault-passphrase").ok();
        assertEquals("from-the-vault", kimen.run("secret", "get", "vault.only").ok().out(),
                "no KIMEN_PASSPHRASE, no terminal: the configured keyring item unlocked the vault");
    }

    @Test
    void kimenAndAnExplicitStoreFailAsKeyringUnavailableNeverAHang() throws Exception {
        kimen.runWithStdin(VALUE, "secret", "set", "api.token", "--store", "keyring", "--stdin").ok();
        Kimen noBus = Kimen.in(kimen.home(), LOG); // the same user without DBUS_SESSION_BUS_ADDRESS
        JsonObject missing = noBus.run("secret", "get", "api.token", "--store", "keyring", "--json")
                .failsWith(27, "keyring_unavailable");
        assertTrue(missing.getString("hint").contains("--store vault"), missing.toString());
        noBus.with("DBUS_SESSION_BUS_ADDRESS", "unix:path=" + tmp.resolve("gone.sock"))
                .run("secret", "get", "api.token", "--store", "keyring", "--json").failsWith(27, "keyring_unavailable");
        bus.lockAll();
        kimen.run("secret", "get", "api.token", "--store", "keyring", "--json").failsWith(27, "keyring_unavailable");
        kimen.runWithStdin("x", "secret", "set", "new.item", "--store", "keyring", "--stdin", "--json")
                .failsWith(27, "keyring_unavailable");
        assertEquals("from-the-vault", kimen.with("KIMEN_PASSPHRASE", PASS).run("secret", "get", "vault.only").ok().out(),
                "kimen's own store is the vault, keyring or not");
    }

    /** Each way the OS keyring can fail to answer, and what the error must name. */
    enum Outage {
        NO_BUS("no D-Bus session bus"),
        NO_SECRET_SERVICE("no Secret Service on the D-Bus session bus"),
        LOCKED("the keyring is locked"),
        NO_DEFAULT_COLLECTION("the Secret Service has no default collection");

        final String why;

        Outage(String why) {
            this.why = why;
        }
    }

    /**
     * Issue 23: a secret in both stores, and a keyring that does not answer. mima's store is the
     * keyring, so every mima command fails with 27 naming why, and the vault's copy never comes
     * out; once the user chooses the vault as mima's store, mima uses it and says so.
     */
    @ParameterizedTest
    @EnumSource(Outage.class)
    void withoutAnAnsweringKeyringMimaFailsAndNeverFallsBackToTheVault(Outage outage) throws Exception {
        Path vaultFile = tmp.resolve("both.kv");
        Vaults.create(vaultFile, PASS, Map.of("dup", "the-vault-copy".getBytes()));
        Kimen user = kimen.with("KIMEN_VAULT", vaultFile.toString()).with("KIMEN_PASSPHRASE", PASS);
        user.runWithStdin("the-keyring-copy", "secret", "set", "dup", "--store", "keyring", "--stdin").ok();
        user.mima().run("group", "link", "dupg", "V", "dup").ok();
        SecretServiceBus other = null;
        Kimen broken = switch (outage) {
            case NO_BUS -> Kimen.in(user.home(), LOG).with("KIMEN_VAULT", vaultFile.toString())
                    .with("KIMEN_PASSPHRASE", PASS);
            case NO_SECRET_SERVICE -> user.with("DBUS_SESSION_BUS_ADDRESS",
                    (other = SecretServiceBus.withoutSecretService(tmp.resolve("bare"))).address());
            case LOCKED -> {
                bus.lockAll();
                yield user;
            }
            case NO_DEFAULT_COLLECTION -> user.with("DBUS_SESSION_BUS_ADDRESS",
                    (other = SecretServiceBus.withoutDefaultCollection(tmp.resolve("fresh"))).address());
        };
        try {
            Kimen mima = broken.mima();
            byte[] vaultBefore = Files.readAllBytes(vaultFile);
            List<List<String>> commands = List.of(List.of("secret", "add", "new-key"), List.of("secret", "get", "dup"),
                    List.of("secret", "list"), List.of("secret", "rm", "dup"), List.of("env", "dupg"),
                    List.of("run", "dupg", "--", "printenv", "V"));
            for (List<String> command : commands) {
                var argv = new ArrayList<>(List.of("--json"));
                argv.addAll(command);
                var result = mima.runWithStdin("typed-value", argv.toArray(String[]::new));
                JsonObject e = result.failsWith(27, "keyring_unavailable");
                assertTrue(e.getString("error").contains(outage.why), command + ": " + e);
                assertTrue(e.getString("hint").contains("mima config store vault"), command + ": " + e);
                assertFalse(result.describe().contains("the-vault-copy"), result.describe());
            }
            assertArrayEquals(vaultBefore, Files.readAllBytes(vaultFile), "nothing went to the vault");

            mima.run("config", "store", "vault").ok();
            assertEquals("the-vault-copy\n", mima.run("run", "dupg", "--", "printenv", "V").ok().out(),
                    "the user chose the vault: mima reads it");
            var listed = mima.run("secret", "list");
            assertTrue(listed.ok().lines().contains("dup"), listed.describe());
            assertTrue(listed.stderr().startsWith("mima's store: kimen's vault (" + vaultFile + ")"), listed.describe());
            assertEquals("vault", mima.runWithStdin("v", "secret", "add", "new-key", "--json").json().getString("store"));
        } finally {
            if (other != null) {
                other.close();
            }
        }
    }

    /** How many JVMs {@code who} started for {@code args}, and its result (JVM starts logged through JAVA_TOOL_OPTIONS). */
    private record Counted(Kimen.Result result, long jvms) {}

    private Counted counted(Kimen who, String... args) throws IOException {
        Path jvms = Files.createTempDirectory(tmp, "jvms");
        Kimen.Result result = who.with("JAVA_TOOL_OPTIONS", "-Xlog:os=info:file=" + jvms + "/jvm-%p.log").run(args);
        try (var started = Files.list(jvms)) {
            return new Counted(result, started.count());
        }
    }

    /**
     * Issue 25: with a session, the keyring items a group reads are held by the session daemon
     * after the first read, so the next runs start no JVM and make no D-Bus call; an item changed
     * or removed is forgotten at once (never a stale value), and session lock forgets them all: a
     * locked keyring then fails as keyring_unavailable, never falling back to the vault.
     */
    @Test
    void aSessionHoldsTheKeyringItemsItsGroupsReadUntilChangedOrLocked() throws Exception {
        Kimen mima = kimen.mima();
        mima.runWithStdin(VALUE, "secret", "add", "openai-key").ok();
        mima.run("group", "link", "agent", "OPENAI_API_KEY", "openai-key").ok();
        kimen.with("KIMEN_PASSPHRASE", PASS).run("session", "start").ok();
        String[] run = {"run", "agent", "--", "printenv", "OPENAI_API_KEY"};

        Counted first = counted(mima, run);
        assertEquals(VALUE + "\n", first.result().ok().out());
        assertTrue(first.jvms() > 0, "the first read is the JVM's, which reads the keyring");
        Counted second = counted(mima, run);
        assertEquals(VALUE + "\n", second.result().ok().out());
        assertEquals(0, second.jvms(), "the session held the item: no JVM");
        Kimen.Result jvm = mima.with("KIMEN_FASTRUN", "off").run(run);
        assertEquals(List.of(jvm.out(), jvm.stderr()), List.of(second.result().out(), second.result().stderr()));
        assertEquals(0, counted(mima, "secret", "get", "openai-key").jvms(), "mima secret get reads the held item too");
        assertEquals(1, mima.run("session", "status", "--json").json().getInt("keyring_items"));
        assertTrue(mima.run("session", "status").ok().out().contains("and 1 OS keyring item read while unlocked"));

        mima.run("secret", "rm", "openai-key").ok();
        Counted removed = counted(mima, run);
        assertEquals(22, removed.result().exit(), removed.result().describe()); // secret_not_found
        assertTrue(removed.jvms() > 0, "no stale value from the session after rm");
        mima.runWithStdin("changed-value", "secret", "add", "openai-key").ok();
        assertEquals("changed-value\n", mima.run(run).ok().out());
        Counted changed = counted(mima, run);
        assertEquals(List.of("changed-value\n", 0L), List.of(changed.result().ok().out(), changed.jvms()));

        mima.run("session", "lock").ok();
        assertEquals(0, mima.run("session", "status", "--json").json().getInt("keyring_items"), "lock forgets them");
        bus.lockAll();
        JsonObject locked = mima.with("KIMEN_PASSPHRASE", PASS).run("run", "--json", "agent", "--", "true")
                .failsWith(27, "keyring_unavailable");
        assertTrue(locked.toString().contains("locked"), locked.toString());
    }
}
