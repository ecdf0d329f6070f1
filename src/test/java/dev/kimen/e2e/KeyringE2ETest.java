package dev.kimen.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.grack.nanojson.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 7's OS keyring against a real Secret Service (gnome-keyring on a private D-Bus session bus
 * started by the test): {@code mima secret add} stores there and {@code mima run} reads it back,
 * {@code keyring:} sources, {@code secret … --store keyring}, {@code config unlock set --keyring},
 * and {@code keyring_unavailable} (never a hang) without a bus or with a locked keyring.
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

        mima.run("group", "link", "agent", "OPENAI_API_KEY", "openai-key").ok();
        mima.run("group", "link", "agent", "FROM_VAULT", "vault.only").ok();
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
        java.nio.file.Files.writeString(kimen.home().resolve("gh.kmap"), "env GH_TOKEN=keyring:api.token\n");
        assertEquals(VALUE, kimen.run("run", "--map", "gh.kmap", "--", "sh", "-c", "printf %s \"$GH_TOKEN\"").ok().out(),
                "keyring: in a map file");

        kimen.runWithStdin(PASS, "secret", "set", "vault-passphrase", "--store", "keyring", "--stdin").ok();
        kimen.run("config", "unlock", "set", "--keyring", "vault-passphrase").ok();
        assertEquals("from-the-vault", kimen.run("secret", "get", "vault.only").ok().out(),
                "no KIMEN_PASSPHRASE, no terminal: the configured keyring item unlocked the vault");
    }

    @Test
    void noBusOrALockedKeyringIsKeyringUnavailableNeverAHang() throws Exception {
        kimen.runWithStdin(VALUE, "secret", "set", "api.token", "--store", "keyring", "--stdin").ok();
        Kimen noBus = Kimen.in(kimen.home(), LOG); // the same user without DBUS_SESSION_BUS_ADDRESS
        JsonObject missing = noBus.run("secret", "get", "api.token", "--store", "keyring", "--json")
                .failsWith(27, "keyring_unavailable");
        assertTrue(missing.getString("hint").contains("--store vault"), missing.toString());
        JsonObject fallback = noBus.with("KIMEN_PASSPHRASE", PASS).mima().runWithStdin("v", "secret", "add", "other",
                "--json").json();
        assertEquals("vault", fallback.getString("store"), "no keyring reachable: mima falls back to the vault");
        assertNull(bus.lookup("other"));

        noBus.with("DBUS_SESSION_BUS_ADDRESS", "unix:path=" + tmp.resolve("gone.sock"))
                .run("secret", "get", "api.token", "--store", "keyring", "--json").failsWith(27, "keyring_unavailable");

        // The same name in the vault too: a locked keyring must stop mima, never hand over the vault's value.
        Vaults.create(tmp.resolve("both.kv"), PASS, Map.of("api.token", "the-vault-copy".getBytes()));
        Kimen mima = kimen.with("KIMEN_VAULT", tmp.resolve("both.kv").toString()).with("KIMEN_PASSPHRASE", PASS).mima();
        mima.run("group", "link", "ci", "TOKEN", "api.token").ok();
        bus.lockAll();
        kimen.run("secret", "get", "api.token", "--store", "keyring", "--json").failsWith(27, "keyring_unavailable");
        kimen.runWithStdin("x", "secret", "set", "new.item", "--store", "keyring", "--stdin", "--json")
                .failsWith(27, "keyring_unavailable");
        mima.run("secret", "get", "api.token", "--json").failsWith(27, "keyring_unavailable");
        mima.run("secret", "rm", "api.token", "--json").failsWith(27, "keyring_unavailable");
        mima.run("run", "--json", "ci", "--", "true").failsWith(27, "keyring_unavailable");
        assertEquals("the-vault-copy", kimen.with("KIMEN_PASSPHRASE", PASS)
                .run("secret", "get", "api.token", "--vault", tmp.resolve("both.kv").toString()).ok().out());
    }
}
