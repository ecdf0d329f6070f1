package dev.kimen.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.grack.nanojson.JsonArray;
import com.grack.nanojson.JsonObject;
import dev.kimen.vault.TestVaults;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kimen doctor}: exit codes, the JSON report's shape, and each kind of finding, in-process. */
class DoctorCommandTest {
    private static final String VALUE = "doctor-test-value-91c2";

    @TempDir Path home;
    CliRun cli;
    Path vault;
    Path map;

    @BeforeEach
    void setUp() throws Exception {
        cli = new CliRun(home);
        cli.env.put("KIMEN_PASSPHRASE", "pw");
        vault = home.resolve(".config/kimen/vault.kv");
        TestVaults.put(TestVaults.create(vault, "pw"), "app.token", VALUE);
        map = home.resolve("app.kmap");
        Files.writeString(map, "env TOKEN=app.token\nfile t=secret:app.token\nenv PORT=const:5050\n");
    }

    /** Runs doctor --json and checks what every report has, whatever it found. */
    private JsonObject report(int expectedExit, String... args) {
        var all = new java.util.ArrayList<>(List.of("doctor", "--json"));
        all.addAll(List.of(args));
        var r = cli.run(all.toArray(String[]::new));
        assertEquals(expectedExit, r.code(), r.out() + r.stderr());
        assertEquals("", r.stderr(), "the report is on stdout, nothing on stderr");
        assertFalse(r.out().contains(VALUE), r.out());
        JsonObject json = r.json();
        assertEquals(expectedExit == 0, json.get("ok"));
        assertEquals("doctor", json.getString("action"));
        assertEquals(expectedExit, json.getInt("exit_code"));
        assertEquals(expectedExit == 0 ? null : "doctor_failed", json.getString("reason"));
        JsonArray checks = json.getArray("checks");
        assertEquals(List.of("map_lint", "vault_opens", "secrets_exist", "expiry", "vault_mode", "mima_store"),
                checks.stream().map(c -> ((JsonObject) c).getString("check")).toList());
        for (Object o : checks) {
            JsonObject c = (JsonObject) o;
            assertEquals(c.getBoolean("ok"), c.getArray("problems").isEmpty() && !c.getBoolean("skipped"), c.toString());
            for (Object p : c.getArray("problems")) {
                assertFalse(((JsonObject) p).getString("message").isBlank());
                assertFalse(((JsonObject) p).getString("hint").isBlank());
            }
        }
        return json;
    }

    private static JsonObject check(JsonObject report, String name) {
        return report.getArray("checks").stream().map(JsonObject.class::cast)
                .filter(c -> c.getString("check").equals(name)).findFirst().orElseThrow();
    }

    private static JsonObject onlyProblem(JsonObject report, String name) {
        JsonArray problems = check(report, name).getArray("problems");
        assertEquals(1, problems.size(), problems.toString());
        return problems.getObject(0);
    }

    @Test
    void aReadyProfilePassesEveryCheck() {
        JsonObject json = report(0, "--map", map.toString());
        json.getArray("checks").forEach(c -> assertEquals(true, ((JsonObject) c).get("ok"), c.toString()));
        assertEquals("1 secret named, 1 found", check(json, "secrets_exist").getString("detail"));

        var human = cli.run("doctor", "--map", map.toString());
        assertEquals(0, human.code(), human.stderr());
        assertTrue(human.out().endsWith("doctor: all 6 checks passed\n"), human.out());
    }

    @Test
    void aMissingSecretIsNamedWithTheCommandThatFixesIt() throws Exception {
        Files.writeString(map, "env TOKEN=app.token\nenv DB=prod.db\nfile db.txt=secret:prod.db\n");
        JsonObject problem = onlyProblem(report(21, "--map", map.toString()), "secrets_exist");
        assertEquals("no secret named prod.db in the vault (used at " + map + ":2, " + map + ":3)", problem.getString("message"));
        assertEquals("kimen secret set prod.db", problem.getString("hint"));

        var human = cli.run("doctor", "--map", map.toString());
        assertEquals(21, human.code());
        assertTrue(human.out().contains("problem  secrets_exist  no secret named prod.db"), human.out());
        assertTrue(human.out().contains("; hint: kimen secret set prod.db\n"), human.out());
        assertTrue(human.out().endsWith("doctor: 1 problem (secrets_exist)\n"), human.out());
        assertFalse(human.out().contains(VALUE) || human.stderr().contains(VALUE));

        Path other = home.resolve("other.kv");
        Files.copy(vault, other);
        assertEquals("kimen secret set prod.db --vault " + other,
                onlyProblem(report(21, "--map", map.toString(), "--vault", other.toString()), "secrets_exist").getString("hint"));
    }

    @Test
    void aVaultOthersCanReadIsAProblemUntilChmod600() throws Exception {
        Files.setPosixFilePermissions(vault, PosixFilePermissions.fromString("rw-r--r--"));
        JsonObject problem = onlyProblem(report(21, "--map", map.toString()), "vault_mode");
        assertTrue(problem.getString("message").contains("has mode 0644"), problem.toString());
        assertEquals("chmod 600 " + vault, problem.getString("hint"));
        assertEquals(true, check(report(21, "--map", map.toString()), "secrets_exist").get("ok"), "other checks still judged");

        Files.setPosixFilePermissions(vault, PosixFilePermissions.fromString("rw-------"));
        report(0, "--map", map.toString());
    }

    @Test
    void aBrokenMapFailsLintButItsGoodLinesAreStillChecked() throws Exception {
        Files.writeString(map, "env TOKEN=app.token\nbogus line\nenv X=missing.one\n");
        JsonObject json = report(21, "--map", map.toString());
        assertTrue(onlyProblem(json, "map_lint").getString("message").startsWith(map + ":2: unknown directive"), json.toString());
        assertTrue(onlyProblem(json, "secrets_exist").getString("message").contains("missing.one"), json.toString());
    }

    @Test
    void warningsAreProblemsOnlyWithStrict() throws Exception {
        Files.writeString(map, "stdin app.token\nstdin const:x\n");
        JsonObject lenient = report(0, "--map", map.toString());
        assertEquals(1, check(lenient, "map_lint").getArray("warnings").size());
        JsonObject strict = report(21, "--map", map.toString(), "--strict");
        assertTrue(onlyProblem(strict, "map_lint").getString("message").contains("second stdin"), strict.toString());
        assertEquals(true, strict.get("strict"));
    }

    @Test
    void aVaultThatDoesNotOpenIsAFindingAndSkipsTheSecretsCheck() throws Exception {
        byte[] before = Files.readAllBytes(vault);
        cli.env.put("KIMEN_PASSPHRASE", "wrong");
        JsonObject wrong = report(21, "--map", map.toString());
        assertTrue(onlyProblem(wrong, "vault_opens").getString("message").startsWith("wrong passphrase"), wrong.toString());
        JsonObject skipped = check(wrong, "secrets_exist");
        assertEquals(true, skipped.get("skipped"));
        assertEquals(false, skipped.get("ok"));
        assertEquals(true, check(wrong, "vault_mode").get("ok"), "the mode is judged without the passphrase");

        cli.env.remove("KIMEN_PASSPHRASE");
        JsonObject missing = report(21, "--map", map.toString());
        assertTrue(onlyProblem(missing, "vault_opens").getString("hint").contains("KIMEN_PASSPHRASE"), missing.toString());

        JsonObject absent = report(21, "--map", map.toString(), "--vault", home.resolve("absent.kv").toString());
        assertEquals("create one with: kimen vault init", onlyProblem(absent, "vault_opens").getString("hint"));
        assertEquals(true, check(absent, "vault_mode").get("skipped"));
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(vault)), "doctor changes nothing");
    }

    @Test
    void itNamesMimaStoreAndFindsAKeyringTheMapReadsThatDoesNotAnswer() throws Exception {
        cli.env.remove("DBUS_SESSION_BUS_ADDRESS");
        JsonObject plain = report(0, "--map", map.toString());
        assertEquals("mima's store: the OS keyring", check(plain, "mima_store").getString("detail"),
                "the map reads no keyring: the keyring is not asked");

        Files.writeString(map, "env TOKEN=keyring:gh.token\n");
        JsonObject problem = onlyProblem(report(21, "--map", map.toString()), "mima_store");
        assertTrue(problem.getString("message").startsWith("no OS keyring: no D-Bus session bus"), problem.toString());
        assertTrue(problem.getString("hint").contains("mima config store vault"), problem.toString());

        assertEquals(0, cli.run("config", "mima-store", "vault").code());
        assertEquals("mima's store: kimen's vault (mima config store vault)",
                check(report(21, "--map", map.toString()), "mima_store").getString("detail"));
    }

    @Test
    void aProfileThatIsNotThereIsAFinding() {
        JsonObject json = report(21, "--profile", "nope");
        assertTrue(onlyProblem(json, "map_lint").getString("message").contains("no profile named nope"), json.toString());
        assertEquals(true, check(json, "secrets_exist").get("skipped"));
        assertEquals(true, check(json, "vault_opens").get("ok"));
    }

    @Test
    void withoutAMapItIsAUsageErrorNamingBothOptions() {
        for (String[] args : List.of(new String[] {"doctor", "--json"}, new String[] {"doctor"})) {
            var r = cli.run(args);
            assertEquals(2, r.code());
            assertEquals(0, r.stdout().length);
            assertTrue(r.stderr().contains("--profile") && r.stderr().contains("--map"), r.stderr());
        }
        assertEquals("usage", cli.run("doctor", "--json").errorJson().getString("reason"));
        assertEquals("usage", cli.run("doctor", "--json", "--map", "a", "--profile", "b").errorJson().getString("reason"));
    }
}
