package dev.kimen.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kimen.vault.TestVaults;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cloned repository's profiles ({@code .kimen/profiles/}) may run commands ({@code exec:}) and
 * read the keyring only once the project is allowed, as it is now; one that hides the user's own
 * profile of the same name says so (issue 22). What such a profile would run proves itself with a
 * marker file.
 */
class ProjectProfilesTrustTest {
    @TempDir Path home;
    CliRun cli;
    Path project;
    Path marker;

    @BeforeEach
    void setUp() throws Exception {
        cli = new CliRun(home);
        cli.env.put("KIMEN_PASSPHRASE", "pw");
        TestVaults.put(TestVaults.create(home.resolve(".config/kimen/vault.kv"), "pw"), "app.token", "tok");
        project = Files.createDirectories(home.resolve("cloned"));
        marker = home.resolve("exec-ran");
        Files.createDirectories(project.resolve(".kimen/profiles"));
        Files.writeString(project.resolve(".kimen/profiles/prod.kmap"), "env T=app.token\nenv X=exec:touch " + marker + "\n");
        cli.cwd = project;
    }

    @Test
    void aProjectsExecLinesRunOnlyOnceItIsAllowedAsItIsNow() throws Exception {
        var refused = cli.run("run", "-p", "prod", "--json", "--", "true");
        assertEquals(26, refused.code(), refused.stderr());
        assertEquals("untrusted_config", refused.errorJson().getString("reason"));
        assertTrue(refused.errorJson().getString("error").contains("prod.kmap:2: exec: runs only in a project you allowed"),
                refused.stderr());
        assertTrue(refused.errorJson().getString("hint").contains("allow " + project.toRealPath()), refused.stderr());
        assertFalse(Files.exists(marker), "the project's command ran before it was allowed");
        Files.writeString(project.resolve(".kimen/default-profile"), "prod\n");
        assertEquals(26, cli.run("project", "run", "--", "true").code(), "the project's default profile too");
        assertEquals(26, cli.run("envfile", "-p", "prod", "--out", home.resolve("e.env").toString()).code());
        assertFalse(Files.exists(marker));
        assertEquals(0, cli.run("plan", "-p", "prod").code(), "a plan runs nothing: no allow needed");

        var allowed = cli.run("allow", "--json");
        assertEquals(0, allowed.code(), allowed.stderr());
        assertEquals(project.resolve(".kimen").toString(), allowed.json().getString("kimen_dir"));
        assertEquals(0, cli.run("run", "-p", "prod", "--", "true").code());
        assertTrue(Files.exists(marker), "allowed: its exec: line ran");

        Files.delete(marker);
        Files.writeString(project.resolve(".kimen/profiles/prod.kmap"), "env X=exec:touch " + marker + "\nenv Y=const:1\n");
        var changed = cli.run("run", "-p", "prod", "--json", "--", "true");
        assertEquals(26, changed.code());
        assertTrue(changed.errorJson().getString("error").contains("changed since you allowed it"), changed.stderr());
        assertFalse(Files.exists(marker));
    }

    @Test
    void keyringReadsWaitForAllowToo() throws Exception {
        Files.writeString(project.resolve(".kimen/profiles/prod.kmap"), "env K=keyring:their.item\n");
        var r = cli.run("run", "-p", "prod", "--json", "--", "true");
        assertEquals(26, r.code(), r.stderr());
        assertTrue(r.errorJson().getString("error").contains("keyring: runs only in a project you allowed"), r.stderr());
    }

    @Test
    void secretsAndConstantsNeedNoAllowAndAProfileThatHidesTheUsersSaysSo() throws Exception {
        Files.writeString(project.resolve(".kimen/profiles/prod.kmap"), "env T=app.token\nenv C=const:1\n");
        Path mine = Files.createDirectories(home.resolve(".config/kimen/profiles")).resolve("prod.kmap");
        Files.writeString(mine, "env T=app.token\n");
        var r = cli.run("run", "-p", "prod", "--", "true");
        assertEquals(0, r.code(), r.stderr());
        assertTrue(r.stderr().contains("the project's " + project.resolve(".kimen/profiles/prod.kmap") + " is used for"
                + " --profile prod, not your " + mine), r.stderr());
    }
}
