package dev.kimen.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.grack.nanojson.JsonObject;
import dev.kimen.vault.TestVaults;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exit codes and JSON shapes, in-process. */
class CliTest {
    @TempDir Path home;
    CliRun cli;
    Path vault;

    @BeforeEach
    void setUp() {
        cli = new CliRun(home);
        vault = home.resolve(".config/kimen/vault.kv");
        cli.env.put("KIMEN_PASSPHRASE", "pw");
    }

    private void cheapVault() {
        TestVaults.create(vault, "pw");
    }

    static void assertOk(JsonObject json, String action) {
        assertEquals(true, json.get("ok"));
        assertEquals(action, json.getString("action"));
        assertEquals(0, json.getInt("exit_code"));
    }

    void assertError(CliRun.Result r, int code, String reason) {
        assertEquals(code, r.code(), r.stderr());
        JsonObject e = r.errorJson();
        assertEquals(false, e.get("ok"));
        assertEquals(code, e.getInt("exit_code"));
        assertEquals(reason, e.getString("reason"));
        assertFalse(e.getString("error").isBlank());
        assertEquals(0, r.stdout().length, "errors print nothing on stdout");
    }

    /** Issue 23: a typo of a command is named with the command meant; a stray word that is not one is never echoed. */
    @Test
    void aMistypedCommandSuggestsTheNearestAndAnythingElseStaysUnshown() {
        var typo = cli.run("scret", "list");
        assertEquals(2, typo.code());
        assertEquals("kimen: error: unknown command scret; did you mean secret?\nkimen: hint: see: kimen --help\n",
                typo.stderr());
        assertTrue(cli.run("secret", "lsit").stderr().contains("unknown command lsit; did you mean list?"));
        assertTrue(cli.run("sesion", "status").stderr().contains("did you mean session?"));

        String secret = "sk-live-51HqT0aL9";
        for (String[] args : List.of(new String[] {secret}, new String[] {"secret", secret},
                new String[] {"secret", "rm", "name", secret}, new String[] {"foo"})) {
            var r = cli.run(args);
            assertEquals(2, r.code(), r.stderr());
            assertFalse(r.stderr().contains(args[args.length - 1]), "echoed: " + r.stderr());
            assertFalse(r.stderr().contains("did you mean"), r.stderr());
        }
    }

    @Test
    void editDistanceCountsTheUsualTypos() {
        assertEquals(1, Cli.editDistance("scret", "secret"), "a letter left out");
        assertEquals(1, Cli.editDistance("lsit", "list"), "two letters swapped");
        assertEquals(1, Cli.editDistance("rum", "run"), "a letter replaced");
        assertEquals(0, Cli.editDistance("env", "env"));
        assertEquals(3, Cli.editDistance("foo", "env"));
    }

    @Test
    void versionBothForms() {
        assertEquals("kimen " + Version.value() + "\n", cli.run("--version").out());
        assertEquals("kimen " + Version.value() + "\n", cli.run("version").out());
        var json = cli.run("version", "--json").json();
        assertOk(json, "version");
        assertEquals(Version.value(), json.getString("version"));
    }

    @Test
    void vaultInitPathInfoRekeyShapes() {
        var init = cli.run("vault", "init", "--json");
        assertEquals(0, init.code(), init.stderr());
        assertOk(init.json(), "vault_init");
        assertEquals(vault.toString(), init.json().getString("path"));
        assertEquals("kimen-vault/v2", init.json().getString("format"));

        assertError(cli.run("vault", "init", "--json"), 24, "vault_exists");

        var path = cli.run("--json", "vault", "path").json();
        assertOk(path, "vault_path");
        assertEquals("default", path.getString("source"));
        assertEquals(true, path.get("exists"));

        var info = cli.run("vault", "info", "--json").json();
        assertOk(info, "vault_info");
        assertEquals("0600", info.getString("mode"));
        assertEquals(65536, info.getObject("kdf").getInt("memory_kib"));

        cli.env.put("KIMEN_NEW_PASSPHRASE", "pw2");
        var rekey = cli.run("vault", "rekey", "--no-backup", "--json");
        assertEquals(0, rekey.code(), rekey.stderr());
        assertOk(rekey.json(), "vault_rekey");
        assertEquals(false, rekey.json().get("dry_run"));
        assertError(cli.run("secret", "list", "--json"), 23, "wrong_passphrase");
    }

    @Test
    void rekeysInTheSameSecondKeepEveryBackup() throws Exception {
        cheapVault();
        cli.env.put("KIMEN_NEW_PASSPHRASE", "pw2");
        assertEquals(0, cli.run("vault", "rekey").code());
        cli.env.put("KIMEN_PASSPHRASE", "pw2");
        cli.env.put("KIMEN_NEW_PASSPHRASE", "pw3");
        assertEquals(0, cli.run("vault", "rekey").code());
        try (var files = Files.list(vault.getParent())) {
            assertEquals(2, files.filter(p -> p.getFileName().toString().endsWith(".bak")).count());
        }
    }

    @Test
    void secretCommandsShapes() {
        cheapVault();
        var set = cli.runWithStdin("s3cr3t".getBytes(StandardCharsets.UTF_8), "secret", "set", "db", "--stdin", "--json");
        assertEquals(0, set.code(), set.stderr());
        assertOk(set.json(), "set");
        assertEquals(false, set.json().get("replaced"));
        assertFalse(set.out().contains("s3cr3t"));

        var list = cli.run("secret", "list", "--json").json();
        assertOk(list, "list");
        assertEquals(List.of("db"), list.getArray("names"));

        var get = cli.run("secret", "get", "db", "--json").json();
        assertOk(get, "get");
        assertEquals("s3cr3t", get.getString("value"));
        assertArrayEquals("s3cr3t".getBytes(StandardCharsets.UTF_8), cli.run("secret", "get", "db").stdout());

        assertOk(cli.run("secret", "mv", "db", "db2", "--json").json(), "mv");
        assertOk(cli.run("secret", "rm", "db2", "--json").json(), "rm");
        assertEquals("", cli.run("secret", "list").out());
    }

    @Test
    void binaryValuesAreGivenAsBase64InJson() {
        cheapVault();
        byte[] value = {0, (byte) 0xff, '\n'};
        assertEquals(0, cli.runWithStdin(value, "secret", "set", "bin", "--stdin").code());
        var get = cli.run("secret", "get", "bin", "--json").json();
        assertEquals("base64", get.getString("encoding"));
        assertEquals("AP8K", get.getString("value"));
        assertArrayEquals(value, cli.run("secret", "get", "bin").stdout());
    }

    @Test
    void errorsAreEnvelopesWithReasonsAndChangeNothing() throws Exception {
        assertError(cli.run("secret", "list", "--json"), 22, "vault_not_found");
        cheapVault();
        byte[] before = Files.readAllBytes(vault);
        assertError(cli.run("secret", "get", "nope", "--json"), 22, "secret_not_found");
        assertError(cli.run("secret", "rm", "nope", "--json"), 22, "secret_not_found");
        assertError(cli.run("secret", "set", "bad name", "--value", "x", "--json"), 2, "usage");
        assertError(cli.run("secret", "set", "ok", "--stdin", "--value", "x", "--json"), 2, "usage");
        assertError(cli.run("secret", "set", "ok", "--stdin", "--passphrase-stdin", "--json"), 2, "usage");
        assertError(cli.run("secret", "frobnicate", "--json"), 2, "usage");
        assertError(cli.run("secret", "--json"), 2, "usage");
        assertError(cli.run("secret", "set", "x", "--json"), 2, "usage"); // no value, no terminal
        assertArrayEquals(before, Files.readAllBytes(vault));

        cli.env.put("KIMEN_PASSPHRASE", "wrong");
        assertError(cli.run("secret", "list", "--json"), 23, "wrong_passphrase");
        cli.env.remove("KIMEN_PASSPHRASE");
        assertError(cli.run("secret", "list", "--json"), 23, "missing_passphrase");
        assertError(cli.run("secret", "list", "--passphrase-cmd", "false", "--json"), 27, "passphrase_cmd_failed");
        assertArrayEquals(before, Files.readAllBytes(vault));
    }

    @Test
    void mvRefusesAnExistingTarget() throws Exception {
        cheapVault();
        cli.run("secret", "set", "a", "--value", "1");
        cli.run("secret", "set", "b", "--value", "2");
        byte[] before = Files.readAllBytes(vault);
        assertError(cli.run("secret", "mv", "a", "b", "--json"), 24, "secret_exists");
        assertArrayEquals(before, Files.readAllBytes(vault));
    }

    @Test
    void humanErrorsAreOneLinePlusHint() {
        var r = cli.run("secret", "list");
        assertEquals(22, r.code());
        assertTrue(r.stderr().startsWith("kimen: error: no vault at "), r.stderr());
        assertTrue(r.stderr().contains("\nkimen: hint: "), r.stderr());
        assertEquals(2, r.stderr().lines().count());
    }

    @Test
    void getRefusesATerminalUnlessAskedTo() {
        cheapVault();
        cli.run("secret", "set", "a", "--value", "1");
        cli.terminal = CliRun.stdoutIsATerminal();
        assertError(cli.run("secret", "get", "a", "--json"), 26, "refused_tty");
        assertEquals("1", cli.run("secret", "get", "a", "--unsafe-stdout").out());
    }

    /** Issue 24: the README's `secret get x > file` left a 0644 file; --out writes 0600, and never through a FIFO. */
    @Test
    void getOutWritesA0600FileAndNeverThroughAFifo() throws Exception {
        cheapVault();
        cli.run("secret", "set", "a", "--value", "s3cr3t-value");
        cli.terminal = CliRun.stdoutIsATerminal(); // a file needs no pipe
        Path token = home.resolve("token.txt");
        var r = cli.run("secret", "get", "a", "--out", token.toString());
        assertEquals(0, r.code(), r.stderr());
        assertEquals("wrote a to " + token + " (0600)\n", r.out());
        assertEquals("s3cr3t-value", Files.readString(token));
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(token)));
        assertEquals(token.toString(), cli.run("secret", "get", "a", "--out", token.toString(), "--json").json().getString("file"));

        Path fifo = home.resolve("fifo");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        var refused = cli.run("secret", "get", "a", "--out", fifo.toString(), "--json");
        assertEquals(26, refused.code(), refused.stderr());
        assertEquals("unsafe_path", refused.errorJson().getString("reason"));
        assertFalse(refused.stderr().contains("s3cr3t-value"));
        assertTrue(Files.readAttributes(fifo, java.nio.file.attribute.BasicFileAttributes.class, java.nio.file.LinkOption.NOFOLLOW_LINKS).isOther(), "the FIFO is left as it was");
        assertEquals(2, cli.run("secret", "get", "a", "--out", token.toString(), "--export").code());
    }

    @Test
    void aBadInlineOptionPointsAtTheOptionNotAtMapLint() {
        var r = cli.run("run", "--env", "BAD NAME=x", "--json", "--", "true");
        assertError(r, 20, "map_invalid");
        assertEquals("fix the --env option; --help shows its forms (e.g. --env NAME=secret-name)",
                r.errorJson().getString("hint"));
    }

    /** Issue 24: map lint's help lists --env, yet --env alone was a usage error. */
    @Test
    void mapLintChecksInlineOptionsAlone() {
        var good = cli.run("map", "lint", "--env", "DATABASE_URL=prod.database_url");
        assertEquals(0, good.code(), good.stderr());
        assertEquals("map ok: 1 projection, 0 errors, 0 warnings\n", good.out());
        var bad = cli.run("map", "lint", "--env", "BAD NAME=x");
        assertEquals(20, bad.code());
        assertTrue(bad.stderr().contains("--env: 'BAD NAME' is not a valid environment variable name"), bad.stderr());
        assertEquals(2, cli.run("map", "lint").code(), "nothing to lint at all");
    }

    @Test
    void aWeakNewPassphraseIsWarnedAboutNotRefused() {
        cli.env.put("KIMEN_PASSPHRASE", "zq7");
        var r = cli.run("vault", "init", "--json");
        assertEquals(0, r.code(), r.stderr());
        assertTrue(r.stderr().contains("kimen: warning: the new passphrase is weak (strength 0 of 4"), r.stderr());
        JsonObject strength = r.json().getObject("passphrase_strength");
        assertEquals(true, strength.get("weak"));
        assertFalse(r.stderr().contains("zq7") || r.out().contains("zq7"), "never the passphrase itself");
        var human = new CliRun(home.resolve("other"));
        human.env.put("KIMEN_PASSPHRASE", "tundra quiver lantern basil ochre");
        var strong = human.run("vault", "init");
        assertEquals("", strong.stderr());
        assertTrue(strong.out().contains("next: kimen secret set <name>"), strong.out());
    }

    /** Issue 24: secret edit, with an editor (a script here) that records where and how it got the value. */
    @Test
    void editGoesThroughAPrivateFileThatIsGoneAfterwards() throws Exception {
        cheapVault();
        cli.run("secret", "set", "app.config", "--value", "port=1");
        Path seen = home.resolve("seen");
        Path editor = home.resolve("editor.sh");
        Files.writeString(editor, "#!/bin/sh\nstat -c '%a %n' \"$1\" \"$(dirname \"$1\")\" > " + seen + "\n"
                + "cat \"$1\" >> " + seen + "\necho >> " + seen + "\nprintf 'port=2\\n' > \"$1\"\n");
        editor.toFile().setExecutable(true);
        Path runtime = Files.createDirectories(home.resolve("run"));
        cli.env.put("XDG_RUNTIME_DIR", runtime.toString());
        cli.env.put("EDITOR", editor.toString());
        var r = cli.run("secret", "edit", "app.config");
        assertEquals(0, r.code(), r.stderr());
        assertEquals("updated app.config\n", r.out());
        List<String> lines = Files.readAllLines(seen);
        assertTrue(lines.get(0).startsWith("600 " + runtime + "/kimen-edit-"), lines.toString());
        assertTrue(lines.get(1).startsWith("700 " + runtime + "/kimen-edit-"), lines.toString());
        assertEquals("port=1", lines.get(2), "the editor got the current value");
        assertEquals("port=2", cli.run("secret", "get", "app.config").out(), "the newline the editor added is dropped");
        try (var left = Files.list(runtime)) {
            assertEquals(List.of(), left.toList(), "the file and its directory are gone");
        }

        cli.env.put("EDITOR", "true");
        assertEquals("app.config unchanged; nothing written\n", cli.run("secret", "edit", "app.config").out());
        byte[] before = Files.readAllBytes(vault);
        cli.env.put("EDITOR", "false");
        var failed = cli.run("secret", "edit", "app.config", "--json");
        assertError(failed, 2, "usage");
        assertArrayEquals(before, Files.readAllBytes(vault), "a failed editor changes nothing");
        cli.env.put("VISUAL", "no-such-editor-7c1");
        assertError(cli.run("secret", "edit", "app.config", "--json"), 2, "usage");
    }

    @Test
    void valueOnTheCommandLineIsWarnedAbout() {
        cheapVault();
        var r = cli.run("secret", "set", "a", "--value", "1");
        assertEquals(0, r.code());
        assertTrue(r.stderr().contains("shell history"), r.stderr());
        var nl = cli.runWithStdin("x\n".getBytes(StandardCharsets.UTF_8), "secret", "set", "b", "--stdin");
        assertTrue(nl.stderr().contains("newline"), nl.stderr());
        assertEquals("x\n", cli.run("secret", "get", "b").out());
    }

    @Test
    void configCommands() throws Exception {
        Path configFile = home.resolve(".config/kimen/config.json");
        assertEquals(configFile + "\n", cli.run("config", "path").out());
        assertEquals("{}\n", cli.run("config", "show").out());

        assertOk(cli.run("config", "vault", "set", "work.kv", "--json").json(), "config_vault_set");
        assertEquals(home.resolve("work.kv").toString(), cli.run("config", "vault", "show").out().strip());
        var path = cli.run("vault", "path", "--json").json();
        assertEquals("config", path.getString("source"));
        cli.env.put("KIMEN_VAULT", "/tmp/env.kv");
        assertEquals("env", cli.run("vault", "path", "--json").json().getString("source"));
        assertEquals("flag", cli.run("vault", "path", "--vault", "x.kv", "--json").json().getString("source"));
        cli.env.remove("KIMEN_VAULT");

        assertOk(cli.run("config", "unlock", "set", "--command", "pass show kimen", "--json").json(), "config_unlock_set");
        assertEquals("pass show kimen", cli.run("config", "unlock", "show", "--json").json().getString("command"));
        String raw = cli.run("config", "show").out();
        assertEquals(Files.readString(configFile), raw, "config show prints the file as it is");
        assertTrue(raw.contains("pass show kimen"), raw);
        assertEquals(dev.kimen.fs.PrivateFiles.FILE_MODE, Files.getPosixFilePermissions(configFile));

        assertOk(cli.run("config", "unlock", "clear", "--json").json(), "config_unlock_clear");
        assertOk(cli.run("config", "vault", "clear", "--json").json(), "config_vault_clear");
        assertEquals("default", cli.run("vault", "path", "--json").json().getString("source"));

        Files.writeString(configFile, "{not json");
        assertError(cli.run("config", "show", "--json"), 25, "invalid_config");
    }

    @Test
    void configuredUnlockCommandUnlocks() throws Exception {
        cheapVault();
        Path pw = home.resolve("pw.txt");
        Files.writeString(pw, "pw\n");
        cli.env.remove("KIMEN_PASSPHRASE");
        cli.run("config", "unlock", "set", "--command", "cat " + pw);
        var r = cli.run("secret", "list", "--json");
        assertEquals(0, r.code(), r.stderr());
    }
}
