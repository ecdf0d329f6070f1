package dev.kimen.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** allow/deny and the project groups of run, through bin/kimen and bin/mima (no shell involved). */
class TrustE2ETest {
    private static final String PASS = "trust e2e passphrase";
    private static final String SECRET = "trust-secret-value-91ac";

    @RegisterExtension
    static final OutputLog LOG = new OutputLog().forbidding(PASS); // the commands here print SECRET on purpose

    @TempDir
    Path tmp;

    private Kimen kimen;
    private Path project;

    @BeforeEach
    void userAndProject() throws IOException {
        kimen = Kimen.in(tmp.resolve("home"), LOG).with("KIMEN_PASSPHRASE", PASS).withMimaStoreVault();
        Vaults.create(kimen.defaultVault(), PASS, Map.of("db.url", SECRET.getBytes(StandardCharsets.UTF_8),
                "user.token", "from-the-user-group".getBytes(StandardCharsets.UTF_8)));
        project = Files.createDirectories(tmp.resolve("app"));
        Files.createDirectories(project.resolve("sub"));
        Files.writeString(project.resolve(".mima.yaml"), "groups:\n  dev:\n    DB_URL: db.url\n  saas: mine\n");
        Files.writeString(kimen.home().resolve(".mima.yaml"), "groups:\n  mine:\n    TOKEN: user.token\n"
                + "  dev:\n    DB_URL: user.token\n");
    }

    @Test
    void allowCheckDenyAndTheirExitCodes() throws IOException {
        Kimen inSub = kimen.at(project.resolve("sub"));
        assertEquals(1, inSub.run("allow", "--check").exit(), "not allowed yet: exit 1");
        assertEquals("not_allowed", inSub.run("allow", "--check", "--json").report(1, null).getString("state"));

        var allowed = inSub.run("allow", "--json").json();
        assertEquals(project.resolve(".mima.yaml").toString(), allowed.getString("file"));
        assertEquals("dev", allowed.getArray("groups").getString(0));
        assertEquals(0, inSub.run("allow", "--check").exit());
        assertEquals(0, kimen.run("allow", "--check", project.toString()).exit(), "a directory names its .mima.yaml");

        Files.writeString(project.resolve(".mima.yaml"), "# edited\n", java.nio.file.StandardOpenOption.APPEND);
        var changed = inSub.run("allow", "--check");
        assertEquals(1, changed.exit());
        assertTrue(changed.stderr().contains("changed since it was allowed"), changed.stderr());

        inSub.run("allow").ok();
        assertTrue(inSub.run("deny", "--json").json().getBoolean("was_allowed"));
        assertEquals(1, inSub.run("allow", "--check").exit());
        assertFalse(inSub.run("deny", "--json").json().getBoolean("was_allowed"));

        kimen.at(tmp).run("allow", "--json").failsWith(22, "config_not_found");
        Files.writeString(project.resolve(".mima.yaml"), "auto_exprot: true\n");
        var invalid = inSub.run("allow", "--json");
        invalid.failsWith(25, "invalid_config");
        assertTrue(invalid.stderr().contains(".mima.yaml:1: unknown key 'auto_exprot'"), invalid.stderr());
        assertEquals(1, inSub.run("allow", "--check").exit(), "nothing was recorded");
    }

    @Test
    void runTakesTheProjectsGroupOnlyWhileItIsAllowed() {
        Kimen inSub = kimen.at(project.resolve("sub"));
        String[] printDb = {"run", "dev", "--", "sh", "-c", "printf %s \"$DB_URL\""};
        inSub.run("run", "--json", "dev", "--", "true").failsWith(26, "untrusted_config");
        assertEquals("from-the-user-group", kimen.run(printDb).ok().out(), "outside the project: ~/.mima.yaml's dev");

        inSub.run("allow").ok();
        assertEquals(SECRET, inSub.run(printDb).ok().out(), "the project's dev wins over the user's");
        assertEquals("from-the-user-group", inSub.run("run", "saas", "--", "sh", "-c", "printf %s \"$TOKEN\"").ok().out(),
                "a name alone is the user's group");
        assertEquals(SECRET, kimen.at(tmp).run("run", "--mima-file", project.resolve(".mima.yaml").toString(), "dev", "--",
                "sh", "-c", "printf %s \"$DB_URL\"").ok().out(), "--mima-file works from anywhere");
        kimen.at(tmp).run("run", "--json", "--mima-file", project.resolve(".mima.yaml").toString(), "nope", "--", "true")
                .failsWith(22, "group_not_found");
    }

    @Test
    void mimaHasTheHookToo() {
        var hook = kimen.mima().run("hook", "bash").ok().out();
        assertTrue(hook.contains("_kimen_bin='" + Kimen.MIMA + "'"), hook);
        assertTrue(hook.contains("mima run $1 -- <command>"), hook);
        kimen.run("hook", "tcsh", "--json").failsWith(2, "usage");
        assertEquals("zsh", kimen.run("hook", "zsh", "--json").json().getString("shell"));
        assertTrue(kimen.run("hook", "fish", "--json").json().getString("script").contains("function _kimen_hook"));
    }

}
