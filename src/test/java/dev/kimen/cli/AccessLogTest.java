package dev.kimen.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.grack.nanojson.JsonArray;
import com.grack.nanojson.JsonObject;
import dev.kimen.vault.TestVaults;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 10: the access log is off until the user's config says on; then it carries names, never values. */
class AccessLogTest {
    private static final String VALUE = "access-log-test-value-7f3e";

    @TempDir Path home;
    CliRun cli;
    Path log;

    @BeforeEach
    void setUp() {
        cli = new CliRun(home);
        cli.env.put("KIMEN_PASSPHRASE", "pw");
        var store = TestVaults.create(home.resolve(".config/kimen/vault.kv"), "pw");
        TestVaults.put(store, "app.token", VALUE);
        TestVaults.put(store, "db.password", VALUE + "-db");
        log = home.resolve(".local/share/kimen/access.log");
    }

    @Test
    void offUntilTheUsersConfigTurnsItOn() {
        assertEquals(0, cli.run("run", "--env", "T=app.token", "--", "true").code());
        assertFalse(Files.exists(log), "logged without being asked to");
        assertEquals(false, cli.run("config", "access-log", "--json").json().get("enabled"));
        assertEquals(2, cli.run("config", "access-log", "maybe").code());
    }

    @Test
    void eachCommandThatReadsSecretsAddsOneLineOfNamesAndNoValue() throws Exception {
        assertEquals(true, cli.run("config", "access-log", "on", "--json").json().get("enabled"));
        assertEquals(0, cli.run("run", "--env", "T=app.token", "--env", "D=db.password", "--env", "C=const:x", "--",
                "true").code());
        assertEquals(0, cli.run("secret", "get", "app.token").code());
        assertEquals(0, cli.run("secret", "export", "--prefix", "db.", "--out", home.resolve("db.env").toString()).code());
        assertEquals(0, cli.run("run", "--env", "C=const:only-a-constant", "--", "true").code(), "reads no secret");

        String text = Files.readString(log);
        assertFalse(text.contains(VALUE), "a value in the log");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(log)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(log.getParent())));

        JsonArray entries = cli.run("log", "--json").json().getArray("entries");
        assertEquals(3, entries.size(), text);
        JsonObject run = entries.getObject(0);
        assertEquals(List.of("app.token", "db.password"), run.getArray("secrets").stream().map(Object::toString).toList());
        assertEquals(List.of("run", "--env", "T=app.token", "--env", "D=db.password", "--env", "C=const"),
                run.getArray("command").stream().map(Object::toString).toList(),
                "the command line stops at --, and a literal is logged as its kind");
        assertEquals(home.toString(), run.getString("cwd"));
        assertEquals(List.of("app.token"), entries.getObject(1).getArray("secrets").stream().map(Object::toString).toList());
        assertEquals(List.of("db.password"), entries.getObject(2).getArray("secrets").stream().map(Object::toString).toList());
    }

    /** Names and kinds of source only: no literal, command or passphrase command text reaches the log. */
    @Test
    void literalsAndCommandsAreLoggedAsTheirKind() {
        assertEquals(List.of("run", "--env", "A=const", "--env=B=exec", "--file", "f.json=app.creds", "--stdin", "const",
                        "--stdin=exec", "--passphrase-cmd", "passphrase-cmd", "--passphrase-cmd=passphrase-cmd", "-p", "prod"),
                dev.kimen.audit.AccessLog.commandLine(List.of("run", "--env", "A=const:hunter2", "--env=B=exec:pass show x",
                        "--file", "f.json=app.creds", "--stdin", "const:hunter2", "--stdin=exec:cat key",
                        "--passphrase-cmd", "echo hunter2", "--passphrase-cmd=echo hunter2", "-p", "prod")));
        assertEquals(List.of("secret", "set", "x", "--value", "value"),
                dev.kimen.audit.AccessLog.commandLine(List.of("secret", "set", "x", "--value", "hunter2")));
    }

    @Test
    void sinceLeavesOutOlderEntriesAndATornLineDoesNotStopTheRest() throws Exception {
        cli.run("config", "access-log", "on");
        Files.createDirectories(log.getParent());
        String old = Instant.now().minus(2, ChronoUnit.DAYS).toString();
        Files.writeString(log, "{\"time\":\"" + old + "\",\"command\":[\"run\"],\"cwd\":\"/x\",\"secrets\":[\"old.one\"]}\n"
                + "{\"time\":\"torn", StandardOpenOption.CREATE_NEW);
        Files.writeString(log, "\n", StandardOpenOption.APPEND);
        assertEquals(0, cli.run("secret", "get", "app.token").code());
        assertEquals(2, cli.run("log", "--json").json().getArray("entries").size());
        String recent = cli.run("log", "--since", "1d").out();
        assertTrue(recent.contains("app.token") && !recent.contains("old.one"), recent);
        assertEquals(2, cli.run("log", "--since", "yesterday").code());
    }
}
