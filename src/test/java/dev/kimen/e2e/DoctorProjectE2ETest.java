package dev.kimen.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.grack.nanojson.JsonArray;
import com.grack.nanojson.JsonObject;
import com.grack.nanojson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kimen doctor} and {@code kimen project run|plan} through the real bin/kimen. Every vault
 * holds the {@link Canary}, and the maps name it: the {@link OutputLog} proves neither the value
 * nor the passphrase shows in any output, passing or failing.
 */
class DoctorProjectE2ETest {
    private static final String PASS = "e2e doctor passphrase";

    @RegisterExtension
    static final OutputLog LOG = new OutputLog().forbidding(PASS);

    @TempDir
    Path tmp;
    Kimen kimen;
    Path project;
    Path twoDown;

    @BeforeEach
    void setUp() throws Exception {
        kimen = Kimen.in(tmp.resolve("home"), LOG).with("KIMEN_PASSPHRASE", PASS);
        Vaults.create(kimen.defaultVault(), PASS, Map.of("app.port", "5050".getBytes(StandardCharsets.UTF_8)));
        project = tmp.resolve("project");
        twoDown = Files.createDirectories(project.resolve("src/app"));
        Path profiles = Files.createDirectories(project.resolve(".kimen/profiles"));
        Files.writeString(profiles.resolve("default.kmap"), """
                env TOKEN=%1$s          # a vault key
                file creds/token=secret:%1$s
                envpath TOKEN_PATH=creds/token
                env WHICH=const:default
                """.formatted(Canary.NAME));
        Files.writeString(profiles.resolve("prod.kmap"), "env TOKEN=" + Canary.NAME + "\nenv WHICH=const:prod\n");
    }

    /** The doctor's report: one line of JSON on stdout, nothing on stderr, pass or fail. */
    private static JsonObject report(Kimen.Result r, int exit) throws Exception {
        assertEquals(exit, r.exit(), r::describe);
        assertEquals("", r.stderr(), r::describe);
        assertEquals(1, r.lines().size(), r::describe);
        JsonObject json = JsonParser.object().from(r.out());
        assertEquals(exit == 0, json.get("ok"), r::describe);
        assertEquals("doctor", json.getString("action"));
        assertEquals(exit, json.getInt("exit_code"));
        return json;
    }

    private static List<String> failedChecks(JsonObject report) {
        JsonArray checks = report.getArray("checks");
        return checks.stream().map(JsonObject.class::cast).filter(c -> !c.getBoolean("ok"))
                .map(c -> c.getString("check")).toList();
    }

    @Test
    void doctorPassesAReadyProfileAndFailsWithAHintPerProblem() throws Exception {
        Path map = project.resolve(".kimen/profiles/default.kmap");
        JsonObject ok = report(kimen.run("doctor", "--map", map.toString(), "--json"), 0);
        assertEquals(List.of(), failedChecks(ok));
        var human = kimen.run("doctor", "--map", map.toString()).ok();
        assertEquals("doctor: all 6 checks passed", human.lines().getLast(), human::describe);

        Files.writeString(map, "env TOKEN=" + Canary.NAME + "\nstdin app.port\nstdin const:x\n");
        assertEquals(0, kimen.run("doctor", "--map", map.toString()).exit(), "a warning alone is not a problem");
        Files.writeString(map, "env TOKEN=" + Canary.NAME + "\nenv DB=prod.database_url\nstdin app.port\nstdin const:x\n");
        Files.setPosixFilePermissions(kimen.defaultVault(), PosixFilePermissions.fromString("rw-r--r--"));
        JsonObject failing = report(kimen.run("doctor", "--map", map.toString(), "--strict", "--json"), 21);
        assertEquals("doctor_failed", failing.getString("reason"));
        assertEquals(List.of("map_lint", "secrets_exist", "vault_mode"), failedChecks(failing));

        var lines = kimen.run("doctor", "--map", map.toString(), "--strict");
        assertEquals(21, lines.exit(), lines::describe);
        assertTrue(lines.out().contains("no secret named prod.database_url in the vault (used at " + map + ":2); hint: kimen secret set prod.database_url\n"),
                lines::describe);
        assertTrue(lines.out().contains("; hint: chmod 600 " + kimen.defaultVault() + "\n"), lines::describe);
        assertEquals("doctor: 3 problems (map_lint, secrets_exist, vault_mode)", lines.lines().getLast(), lines::describe);
        assertTrue(lines.lines().stream().filter(l -> l.startsWith("problem ")).allMatch(l -> l.contains("; hint: ")),
                lines::describe);

        JsonObject locked = report(kimen.with("KIMEN_PASSPHRASE", "not " + PASS).run("doctor", "--map", map.toString(), "--json"), 21);
        assertEquals(List.of("vault_opens", "secrets_exist", "expiry", "vault_mode"), failedChecks(locked));

        kimen.run("doctor", "--json").failsWith(2, "usage");
    }

    @Test
    void projectRunTwoLevelsDownUsesTheProjectsDefaultProfile() throws Exception {
        Path check = tmp.resolve("check.sh");
        Files.writeString(check, """
                #!/bin/sh
                [ "$TOKEN" = "%s" ] || exit 11
                [ "$(cat "$TOKEN_PATH")" = "$TOKEN" ] || exit 12
                printf '%%s %%s' "$WHICH" "$PWD"
                """.formatted(Canary.VALUE));
        check.toFile().setExecutable(true);
        Kimen inSubdir = kimen.at(twoDown);

        var run = inSubdir.run("project", "run", "--", check.toString());
        assertEquals(0, run.exit(), run::describe);
        assertEquals("default " + twoDown, run.out(), "the default profile, and the command runs where kimen was started");

        Files.writeString(project.resolve(".kimen/default-profile"), "prod\n");
        assertEquals("prod", inSubdir.run("project", "run", "--", "sh", "-c", "printf %s \"$WHICH\"").out());
        assertEquals(7, inSubdir.run("project", "run", "--env", "EXTRA=const:1", "--", "sh", "-c", "exit 7").exit());

        Files.writeString(project.resolve(".kimen/default-profile"), "staging\n");
        inSubdir.run("project", "run", "--json", "--", "true").failsWith(22, "profile_not_found");
        Path outside = Files.createDirectories(tmp.resolve("elsewhere"));
        kimen.at(outside).run("project", "run", "--json", "--", "true").failsWith(22, "profile_not_found");
    }

    @Test
    void projectRenderWritesTheDefaultProfilesFiles() throws Exception {
        Path out = tmp.resolve("rendered");
        var r = kimen.at(twoDown).run("project", "render", "--dir", out.toString(), "--print-systemd-hints", "--json");
        assertEquals(0, r.exit(), r::describe);
        assertEquals("project_render", r.json().getString("action"));
        assertEquals(Canary.VALUE, Files.readString(out.resolve("creds/token")));
        assertEquals("rw-------", Vaults.mode(out.resolve("creds/token")));
        assertTrue(r.out().contains("TOKEN_PATH=" + out.resolve("creds/token")), r.out());
    }

    @Test
    void projectPlanSaysWhichProfileAndNeverAValue() throws Exception {
        Kimen noVault = kimen.at(twoDown).with("KIMEN_VAULT", tmp.resolve("absent.kv").toString()).with("KIMEN_PASSPHRASE", "");
        JsonObject plan = noVault.run("project", "plan", "--json").json();
        assertEquals("project_plan", plan.getString("action"));
        assertEquals(project.toString(), plan.getString("project"));
        assertEquals("default", plan.getString("profile"));
        assertEquals(project.resolve(".kimen/profiles/default.kmap").toString(), plan.getString("map"));
        assertEquals("secret:" + Canary.NAME, plan.getArray("projections").getObject(0).getString("source"));

        Files.writeString(project.resolve(".kimen/default-profile"), "prod\n");
        var human = noVault.run("project", "plan", "--env", "EXTRA=const:1").ok();
        assertEquals("profile prod (" + project.resolve(".kimen/profiles/prod.kmap") + ")", human.lines().getFirst());
        assertEquals(4, human.lines().size(), human::describe);
    }
}
