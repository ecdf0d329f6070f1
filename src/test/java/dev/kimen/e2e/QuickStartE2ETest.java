package dev.kimen.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.grack.nanojson.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's first steps through the real bin/kimen in a private HOME: vault, secrets, the
 * passphrase sources and their order, vault selection, rekey, the upstream v2 fixture — and every
 * failing step leaves the vault file byte for byte as it was.
 */
class QuickStartE2ETest {
    private static final String PASS = "e2e quick start passphrase";
    private static final String NEW_PASS = "e2e rekeyed passphrase";
    private static final String WRONG_PASS = "e2e wrong passphrase";
    /** src/test/resources/dev/kimen/vault/format/upstream-v2/README.md */
    private static final String FIXTURE_PASS = "correct horse battery staple";

    @RegisterExtension
    static final OutputLog LOG = new OutputLog().forbidding(PASS, NEW_PASS, WRONG_PASS, FIXTURE_PASS);

    @TempDir
    Path tmp;

    /** A user with no passphrase source at all. */
    private Kimen kimen;
    /** The same user with KIMEN_PASSPHRASE set to {@link #PASS}. */
    private Kimen unlocked;

    @BeforeEach
    void privateUser() {
        kimen = Kimen.in(tmp.resolve("home"), LOG);
        unlocked = kimen.with("KIMEN_PASSPHRASE", PASS);
    }

    @Test
    void initSetGetListRemoveKeepValuesByteExact() {
        Path vault = kimen.defaultVault();
        JsonObject init = unlocked.run("vault", "init", "--json").json();
        assertEquals("vault_init", init.getString("action"));
        assertEquals(vault.toString(), init.getString("path"));
        assertEquals("rw-------", Vaults.mode(vault));
        assertEquals("rwx------", Vaults.mode(vault.getParent()));

        byte[] binary = {'b', 0, 'i', '\n', (byte) 0xff, 'n', '\r', '\n', 0, (byte) 0x80, '\n'};
        unlocked.runWithStdin(binary, "secret", "set", "bin.value", "--stdin").ok();
        unlocked.runWithStdin(Canary.bytes(), "secret", "set", Canary.NAME, "--stdin").ok();
        assertArrayEquals(binary, unlocked.run("secret", "get", "bin.value").ok().stdout());

        assertEquals(List.of("bin.value", Canary.NAME), unlocked.run("secret", "list").ok().lines());
        assertEquals(List.of("bin.value", Canary.NAME),
                unlocked.run("secret", "list", "--json").json().getArray("names"));

        unlocked.run("secret", "rm", "bin.value").ok();
        assertEquals(List.of(Canary.NAME), unlocked.run("secret", "list").ok().lines());
        unlocked.run("--json", "secret", "get", "bin.value").failsWith(22, "secret_not_found");
        assertEquals("rw-------", Vaults.mode(vault), "a rewritten vault keeps mode 0600");
    }

    @Test
    void mvRenamesButNeverReplacesAnExistingSecret() {
        Path vault = fastVault(Map.of("a", utf8("value-a"), "b", utf8("value-b")));
        byte[] before = Vaults.bytes(vault);

        unlocked.run("--json", "secret", "mv", "a", "b").failsWith(24, "secret_exists");
        assertArrayEquals(before, Vaults.bytes(vault));
        unlocked.run("secret", "mv", "missing", "c", "--json").failsWith(22, "secret_not_found");
        assertArrayEquals(before, Vaults.bytes(vault));

        JsonObject moved = unlocked.run("secret", "mv", "a", "c", "--json").json();
        assertEquals("mv", moved.getString("action"));
        assertEquals(List.of("b", "c", Canary.NAME), unlocked.run("secret", "list").ok().lines());
        assertArrayEquals(utf8("value-a"), unlocked.run("secret", "get", "c").ok().stdout());
        assertArrayEquals(utf8("value-b"), unlocked.run("secret", "get", "b").ok().stdout());
    }

    @Test
    void badNamesAreRefusedAndChangeNothing() throws IOException {
        Path vault = fastVault(Map.of("a", utf8("value-a")));
        byte[] before = Vaults.bytes(vault);
        var listing = listing(vault.getParent());

        for (String bad : List.of("with space", "tab\there", "", "new\nline", "trailing ")) {
            unlocked.runWithStdin("v", "secret", "set", bad, "--stdin", "--json").failsWith(2, "usage");
            unlocked.run("secret", "mv", "a", bad, "--json").failsWith(2, "usage");
            assertArrayEquals(before, Vaults.bytes(vault), "after the bad name " + bad);
            assertEquals(listing, listing(vault.getParent()), "after the bad name " + bad);
        }
    }

    @Test
    void initRefusesAnExistingVault() {
        Path vault = fastVault(Map.of("a", utf8("value-a")));
        byte[] before = Vaults.bytes(vault);
        unlocked.run("vault", "init", "--json").failsWith(24, "vault_exists");
        unlocked.run("vault", "init", "--vault", vault.toString(), "--json").failsWith(24, "vault_exists");
        assertArrayEquals(before, Vaults.bytes(vault));
    }

    @Test
    void aMissingVaultIsNotFoundAndNotCreated() {
        Path nowhere = tmp.resolve("absent").resolve("vault.kv");
        unlocked.run("secret", "list", "--vault", nowhere.toString(), "--json").failsWith(22, "vault_not_found");
        unlocked.runWithStdin("v", "secret", "set", "x", "--stdin", "--vault", nowhere.toString(), "--json")
                .failsWith(22, "vault_not_found");
        unlocked.run("secret", "get", "x", "--json").failsWith(22, "vault_not_found");
        assertFalse(Files.exists(nowhere.getParent()));
        assertFalse(Files.exists(kimen.defaultVault()));
    }

    @Test
    void aWrongPassphraseIsRefusedAndChangesNothing() {
        Path vault = fastVault(Map.of("a", utf8("value-a")));
        byte[] before = Vaults.bytes(vault);
        Kimen wrong = kimen.with("KIMEN_PASSPHRASE", WRONG_PASS);
        wrong.run("secret", "list", "--json").failsWith(23, "wrong_passphrase");
        wrong.runWithStdin("new", "secret", "set", "a", "--stdin", "--json").failsWith(23, "wrong_passphrase");
        wrong.run("secret", "rm", "a", "--json").failsWith(23, "wrong_passphrase");
        assertArrayEquals(before, Vaults.bytes(vault));
    }

    @Test
    void noPassphraseSourceAndNoTerminalNamesEveryOption() {
        fastVault(Map.of());
        Kimen.Result human = kimen.run("secret", "list");
        human.failsHumanly(23);
        JsonObject envelope = kimen.run("secret", "list", "--json").failsWith(23, "missing_passphrase");
        for (String text : List.of(human.stderr(), envelope.getString("error") + " " + envelope.getString("hint"))) {
            for (String option : List.of("KIMEN_PASSPHRASE", "--passphrase-cmd", "--passphrase-stdin",
                    "kimen session start")) {
                assertTrue(text.contains(option), () -> "the message should name " + option + ": " + text);
            }
        }
    }

    @Test
    void aFailingPassphraseCommandIsAHelperFailure() {
        Path vault = fastVault(Map.of());
        byte[] before = Vaults.bytes(vault);
        kimen.run("secret", "list", "--passphrase-cmd", "false", "--json").failsWith(27, "passphrase_cmd_failed");
        kimen.run("secret", "list", "--passphrase-cmd", tmp.resolve("no-such-helper").toString(), "--json")
                .failsWith(27, "passphrase_cmd_failed");
        kimen.runWithStdin("v", "secret", "set", "x", "--stdin", "--passphrase-cmd", "false", "--json")
                .failsWith(27, "passphrase_cmd_failed");
        assertArrayEquals(before, Vaults.bytes(vault));
    }

    @Test
    void passphraseSourcesWorkAndKeepTheirOrder() throws IOException {
        fastVault(Map.of("a", utf8("value-a")));
        Path right = Files.writeString(tmp.resolve("right.txt"), PASS + "\n");
        Path wrong = Files.writeString(tmp.resolve("wrong.txt"), WRONG_PASS + "\n");

        assertArrayEquals(utf8("value-a"), kimen.run("secret", "get", "a", "--passphrase-cmd", "cat " + right)
                .ok().stdout());
        assertArrayEquals(utf8("value-a"), kimen.runWithStdin(PASS + "\n", "secret", "get", "a", "--passphrase-stdin")
                .ok().stdout());

        // KIMEN_PASSPHRASE comes first: used when right even though the command's is wrong ...
        assertArrayEquals(utf8("value-a"), unlocked.run("secret", "get", "a", "--passphrase-cmd", "cat " + wrong)
                .ok().stdout());
        // ... and used (not skipped) when wrong even though the command's is right.
        kimen.with("KIMEN_PASSPHRASE", WRONG_PASS)
                .run("secret", "get", "a", "--passphrase-cmd", "cat " + right, "--json")
                .failsWith(23, "wrong_passphrase");
        // --passphrase-cmd comes before --passphrase-stdin.
        kimen.runWithStdin(PASS + "\n", "secret", "list", "--passphrase-cmd", "cat " + wrong, "--passphrase-stdin",
                "--json").failsWith(23, "wrong_passphrase");
    }

    @Test
    void aConfiguredUnlockCommandIsUsedWhenNothingElseIs() throws IOException {
        fastVault(Map.of("a", utf8("value-a")));
        Path right = Files.writeString(tmp.resolve("right.txt"), PASS + "\n");
        kimen.run("config", "unlock", "set", "--command", "cat " + right).ok();

        assertArrayEquals(utf8("value-a"), kimen.run("secret", "get", "a").ok().stdout());
        // It ranks after KIMEN_PASSPHRASE.
        kimen.with("KIMEN_PASSPHRASE", WRONG_PASS).run("secret", "list", "--json")
                .failsWith(23, "wrong_passphrase");
    }

    @Test
    void vaultPathPrecedenceIsFlagThenEnvThenConfigThenDefault() {
        Path configured = tmp.resolve("configured.kv");
        Path fromEnv = tmp.resolve("env.kv");
        Path fromFlag = tmp.resolve("flag.kv");
        Vaults.create(kimen.defaultVault(), PASS, Map.of("where.default", utf8("1")));
        Vaults.create(configured, PASS, Map.of("where.config", utf8("2")));
        Vaults.create(fromEnv, PASS, Map.of("where.env", utf8("3")));
        Vaults.create(fromFlag, PASS, Map.of("where.flag", utf8("4")));

        assertVaultPath(unlocked, "default", kimen.defaultVault(), "where.default");
        kimen.run("config", "vault", "set", configured.toString()).ok();
        assertVaultPath(unlocked, "config", configured, "where.config");
        Kimen withEnv = unlocked.with("KIMEN_VAULT", fromEnv.toString());
        assertVaultPath(withEnv, "env", fromEnv, "where.env");
        assertVaultPath(withEnv, "flag", fromFlag, "where.flag", "--vault", fromFlag.toString());
        // A relative --vault is taken against the working directory (the private HOME here).
        assertEquals(kimen.home().resolve("rel.kv").toString(),
                withEnv.run("vault", "path", "--json", "--vault", "rel.kv").json().getString("path"));
    }

    private static void assertVaultPath(Kimen k, String source, Path expected, String marker, String... flag) {
        JsonObject where = k.run(Stream.concat(Stream.of("vault", "path", "--json"), Stream.of(flag))
                .toArray(String[]::new)).json();
        assertEquals(source, where.getString("source"));
        assertEquals(expected.toString(), where.getString("path"));
        assertEquals(true, where.getBoolean("exists"));
        // Not only reported: the commands really use that vault.
        List<String> names = k.run(Stream.concat(Stream.of("secret", "list"), Stream.of(flag))
                .toArray(String[]::new)).ok().lines();
        assertEquals(List.of(Canary.NAME, marker), names);
    }

    @Test
    void rekeyKeepsAPrivateBackupThatOpensWithTheOldPassphrase() {
        Path vault = fastVault(Map.of("a", utf8("value-a")));
        byte[] before = Vaults.bytes(vault);

        JsonObject rekey = unlocked.with("KIMEN_NEW_PASSPHRASE", NEW_PASS).run("vault", "rekey", "--json").json();
        assertEquals("vault_rekey", rekey.getString("action"));
        assertEquals(2, rekey.getInt("secrets"));
        assertEquals(false, rekey.getBoolean("dry_run"));
        Path backup = Path.of(rekey.getString("backup"));
        assertEquals(vault.getParent(), backup.getParent(), "the default backup sits next to the vault");
        assertArrayEquals(before, Vaults.bytes(backup));
        assertEquals("rw-------", Vaults.mode(backup));
        assertEquals("rw-------", Vaults.mode(vault));

        unlocked.run("secret", "list", "--json").failsWith(23, "wrong_passphrase");
        Kimen rekeyed = kimen.with("KIMEN_PASSPHRASE", NEW_PASS);
        assertArrayEquals(utf8("value-a"), rekeyed.run("secret", "get", "a").ok().stdout());
        assertArrayEquals(utf8("value-a"), unlocked.run("secret", "get", "a", "--vault", backup.toString())
                .ok().stdout());
        rekeyed.run("secret", "list", "--vault", backup.toString(), "--json").failsWith(23, "wrong_passphrase");
    }

    @Test
    void rekeyDryRunChangesNothing() throws IOException {
        Path vault = fastVault(Map.of("a", utf8("value-a")));
        byte[] before = Vaults.bytes(vault);
        var listing = listing(vault.getParent());

        JsonObject dry = unlocked.with("KIMEN_NEW_PASSPHRASE", NEW_PASS).run("vault", "rekey", "--dry-run", "--json")
                .json();
        assertEquals(true, dry.getBoolean("dry_run"));
        assertEquals(2, dry.getInt("secrets"));
        assertArrayEquals(before, Vaults.bytes(vault));
        assertEquals(listing, listing(vault.getParent()), "a dry run writes no backup either");
        assertArrayEquals(utf8("value-a"), unlocked.run("secret", "get", "a").ok().stdout());
    }

    @Test
    void rekeyWithoutBackupLeavesNoCopy() throws IOException {
        Path vault = fastVault(Map.of("a", utf8("value-a")));
        var listing = listing(vault.getParent());

        JsonObject rekey = unlocked.with("KIMEN_NEW_PASSPHRASE", NEW_PASS)
                .run("vault", "rekey", "--no-backup", "--json").json();
        assertTrue(rekey.containsKey("backup"));
        assertNull(rekey.get("backup"));
        assertEquals(listing, listing(vault.getParent()), "no backup (and no temp file) next to the vault");
        unlocked.run("secret", "list", "--json").failsWith(23, "wrong_passphrase");
        assertArrayEquals(utf8("value-a"), kimen.with("KIMEN_PASSPHRASE", NEW_PASS).run("secret", "get", "a")
                .ok().stdout());
    }

    @Test
    void opensTheUpstreamFixtureByteForByte() throws IOException {
        Path fixture = Path.of("src/test/resources/dev/kimen/vault/format/upstream-v2/upstream.kv");
        Path copy = Files.copy(fixture, tmp.resolve("upstream.kv"));
        byte[] before = Vaults.bytes(copy);
        // src/test/resources/dev/kimen/vault/format/upstream-v2/README.md
        var expected = new TreeMap<String, byte[]>();
        expected.put("prod.database_url", utf8("postgres://app:s3cr3t@db.internal:5432/app"));
        expected.put("service_api_token", utf8("tok_9f8e7d6c"));
        expected.put("multi.line", utf8("first\nsecond"));
        expected.put("unicode.näme", utf8("värde ✓"));

        Kimen upstream = kimen.with("KIMEN_PASSPHRASE", FIXTURE_PASS)
                .with("KIMEN_VAULT", copy.toString());
        assertEquals(List.copyOf(expected.keySet()), upstream.run("secret", "list").ok().lines());
        expected.forEach((name, value) ->
                assertArrayEquals(value, upstream.run("secret", "get", name).ok().stdout(), name));
        assertArrayEquals(before, Vaults.bytes(copy), "reading never rewrites the vault");
    }

    private Path fastVault(Map<String, byte[]> secrets) {
        return Vaults.create(kimen.defaultVault(), PASS, secrets);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static TreeSet<String> listing(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        }
    }
}
