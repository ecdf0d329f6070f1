package dev.kimen.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.grack.nanojson.JsonObject;
import dev.kimen.vault.TestVaults;
import dev.kimen.vault.format.VaultFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Expiry dates: set, shown, warned about by secret list and doctor, kept in kimen-vault/v3. */
class SecretExpiryTest {
    /** A fixed day, so no assertion flips at midnight. */
    private static final LocalDate TODAY = LocalDate.of(2026, 12, 2);

    @TempDir Path home;
    CliRun cli;
    Path vault;

    @BeforeEach
    void setUp() {
        cli = new CliRun(home);
        cli.clock = java.time.Clock.fixed(TODAY.atTime(23, 59, 59).atZone(java.time.ZoneId.systemDefault()).toInstant(),
                java.time.ZoneId.systemDefault());
        cli.env.put("KIMEN_PASSPHRASE", "pw");
        vault = home.resolve(".config/kimen/vault.kv");
        var store = TestVaults.create(vault, "pw");
        for (String name : List.of("old.token", "soon.token", "later.token", "plain.token")) {
            TestVaults.put(store, name, "value-of-" + name);
        }
    }

    private String firstLine() throws Exception {
        return Files.readAllLines(vault).getFirst();
    }

    @Test
    void listWarnsAboutExpiredAndSoonDueSecretsOnly() throws Exception {
        assertEquals(VaultFile.MAGIC, firstLine());
        ok("secret", "meta", "old.token", "--expires", TODAY.minusDays(1).toString());
        ok("secret", "meta", "soon.token", "--expires", TODAY.plusDays(14).toString());
        ok("secret", "meta", "later.token", "--expires", TODAY.plusDays(15).toString());
        assertEquals(VaultFile.MAGIC_V3, firstLine());

        var r = cli.run("secret", "list", "--json");
        JsonObject json = r.json();
        assertEquals(4, json.getInt("count"));
        JsonObject expires = json.getObject("expires");
        assertEquals(TODAY.minusDays(1).toString(), expires.getString("old.token"));
        assertEquals(TODAY.plusDays(15).toString(), expires.getString("later.token"));
        assertEquals(3, expires.size(), "plain.token has no date");
        var warnings = json.getArray("warnings").stream().map(JsonObject.class::cast).toList();
        assertEquals(List.of("old.token", "soon.token"), warnings.stream().map(w -> w.getString("name")).toList());
        assertEquals(List.of("expired", "expiring"), warnings.stream().map(w -> w.getString("status")).toList());
        assertEquals("old.token expired on " + TODAY.minusDays(1) + " (1 day ago)", warnings.getFirst().getString("message"));
        assertTrue(r.stderr().contains("kimen: warning: soon.token expires on " + TODAY.plusDays(14) + " (in 14 days)"), r.stderr());

        var human = cli.run("secret", "list");
        assertEquals("later.token\nold.token\nplain.token\nsoon.token\n", human.out(), "stdout stays one name per line");
        assertTrue(human.stderr().contains("old.token expired"), human.stderr());
    }

    @Test
    void setWithExpiresDatesTheValueAndANewValueKeepsTheDateUntilNever() throws Exception {
        okWithStdin("v2", "secret", "set", "plain.token", "--stdin", "--expires", "2099-12-31");
        JsonObject meta = cli.run("secret", "meta", "plain.token", "--json").json();
        assertEquals("2099-12-31", meta.getString("expires"));
        assertEquals("ok", meta.getString("status"));
        assertEquals(false, meta.get("changed"));

        okWithStdin("v3", "secret", "set", "plain.token", "--stdin");
        assertEquals("2099-12-31", cli.run("secret", "meta", "plain.token", "--json").json().getString("expires"));
        assertEquals("name:    plain.token\nexpires: 2099-12-31 (in " + java.time.temporal.ChronoUnit.DAYS.between(TODAY,
                LocalDate.of(2099, 12, 31)) + " days)\n", cli.run("secret", "meta", "plain.token").out());

        ok("secret", "mv", "plain.token", "moved.token");
        assertEquals("2099-12-31", cli.run("secret", "meta", "moved.token", "--json").json().getString("expires"));

        ok("secret", "meta", "moved.token", "--expires", "never");
        assertEquals("name:    moved.token\nexpires: never\n", cli.run("secret", "meta", "moved.token").out());
        assertEquals(VaultFile.MAGIC, firstLine(), "no date left: upstream's v2 again");
    }

    @Test
    void aBadDateOrAMissingSecretChangesNothing() throws Exception {
        byte[] before = Files.readAllBytes(vault);
        var bad = cli.run("secret", "meta", "plain.token", "--expires", "31.01.2027", "--json");
        assertEquals(2, bad.code(), bad.stderr());
        assertTrue(bad.stderr().contains("--expires takes a date as YYYY-MM-DD, or never"), bad.stderr());
        assertTrue(!bad.stderr().contains("31.01.2027"), "the text typed is not repeated: " + bad.stderr());
        assertEquals(2, cli.runWithStdin("x".getBytes(), "secret", "set", "plain.token", "--stdin", "--expires", "tomorrow").code());
        assertEquals(2, cli.run("secret", "set", "plain.token", "--expires", "2027-01-31", "--store", "keyring", "--value", "x").code());
        var missing = cli.run("secret", "meta", "no.such", "--expires", "2027-01-31", "--json");
        assertEquals(22, missing.code(), missing.stderr());
        assertArrayEquals(before, Files.readAllBytes(vault));
    }

    @Test
    void doctorWarnsAboutTheMapsSecretsAndStrictMakesItAProblem() throws Exception {
        ok("secret", "meta", "old.token", "--expires", TODAY.minusDays(3).toString());
        ok("secret", "meta", "later.token", "--expires", TODAY.plusDays(100).toString());
        Path map = home.resolve("app.kmap");
        Files.writeString(map, "env A=old.token\nenv B=later.token\nenv C=plain.token\n");

        var warned = cli.run("doctor", "--map", map.toString());
        assertEquals(0, warned.code(), warned.out());
        assertTrue(warned.out().contains("warning  expiry         old.token expired on " + TODAY.minusDays(3)
                + " (3 days ago); hint: rotate it, then: kimen secret set old.token --expires <YYYY-MM-DD>"), warned.out());
        assertTrue(warned.out().contains("ok       expiry         2 secrets with an expiry date, 1 not due"), warned.out());

        var strict = cli.run("doctor", "--map", map.toString(), "--strict");
        assertEquals(21, strict.code(), strict.out());
        assertTrue(strict.out().endsWith("doctor: 1 problem (expiry)\n"), strict.out());

        Files.writeString(map, "env C=plain.token\n");
        assertEquals(0, cli.run("doctor", "--map", map.toString(), "--strict").code(), "a secret the map does not use is not its concern");
    }

    private void okWithStdin(String stdin, String... args) {
        var r = cli.runWithStdin(stdin.getBytes(java.nio.charset.StandardCharsets.UTF_8), args);
        assertEquals(0, r.code(), String.join(" ", args) + ": " + r.stderr());
    }

    private void ok(String... args) {
        var r = cli.run(args);
        assertEquals(0, r.code(), String.join(" ", args) + ": " + r.stderr());
    }
}
