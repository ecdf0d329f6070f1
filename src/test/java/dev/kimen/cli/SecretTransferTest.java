package dev.kimen.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.grack.nanojson.JsonArray;
import com.grack.nanojson.JsonObject;
import dev.kimen.crypto.SecretBytes;
import dev.kimen.term.Terminal;
import dev.kimen.vault.TestVaults;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kimen secret export|import}: a round trip through a real sh, refusals that change nothing. */
class SecretTransferTest {
    /** Values sh and dotenv readers get wrong: quotes, newlines, $, backticks, backslashes, #, spaces. */
    private static final Map<String, String> HARD = new LinkedHashMap<>();

    static {
        HARD.put("app.plain", "abc123");
        HARD.put("app.quotes", "it's \"quoted\" and 'single'");
        HARD.put("app.lines", "line one\nline two\n\ttabbed\n");
        HARD.put("app.dollar", "$HOME ${PATH} $(id) `id` \\n \\ # not a comment");
        HARD.put("app.unicode", "näme ☃ ");
        HARD.put("app.db-url", "postgres://u:p@h/db?sslmode=require");
        HARD.put("other.skip", "not under the prefix");
    }

    @TempDir Path home;
    CliRun cli;
    Path vault;

    @BeforeEach
    void setUp() {
        cli = new CliRun(home);
        vault = home.resolve(".config/kimen/vault.kv");
        cli.env.put("KIMEN_PASSPHRASE", "pw");
        var store = TestVaults.create(vault, "pw");
        HARD.forEach((name, value) -> TestVaults.put(store, name, value));
    }

    @Test
    void exportedDotenvGivesEveryValueBackThroughShAndImportsBackByteForByte() throws Exception {
        Path file = home.resolve("app.env");
        var r = cli.run("secret", "export", "--prefix", "app.", "--out", file.toString());
        assertEquals(0, r.code(), r.stderr());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));

        for (var e : HARD.entrySet()) {
            if (!e.getKey().startsWith("app.")) {
                continue;
            }
            String var = SecretCommands.Get.exportName(e.getKey().substring("app.".length()));
            var sh = new ProcessBuilder("sh", "-c", "set -a; . \"$1\"; printf %s \"$" + var + "\"", "sh", file.toString())
                    .redirectErrorStream(true).start();
            String got = new String(sh.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, sh.waitFor());
            assertEquals(e.getValue(), got, var);
        }
        assertTrue(!Files.readString(file).contains("not under the prefix"), "--prefix selects");

        // and back in, beside the originals
        var in = cli.run("secret", "import", "--from-dotenv", file.toString(), "--prefix", "copy.", "--json");
        assertEquals(0, in.code(), in.stderr());
        assertEquals(6, in.json().getArray("names").size());
        for (var e : HARD.entrySet()) {
            if (e.getKey().startsWith("app.")) {
                String copy = "copy." + SecretCommands.Get.exportName(e.getKey().substring("app.".length()));
                assertArrayEquals(e.getValue().getBytes(StandardCharsets.UTF_8), cli.run("secret", "get", copy).stdout(), copy);
            }
        }
    }

    @Test
    void importRefusesNamesThatExistAndChangesNothingUnlessOverwrite() throws Exception {
        Path file = Files.writeString(home.resolve("in.env"), "# a comment\nexport plain='new'\nFRESH=\"a b\"\n");
        byte[] before = Files.readAllBytes(vault);
        var r = cli.run("secret", "import", "--from-dotenv", file.toString(), "--prefix", "app.", "--json");
        assertEquals(24, r.code(), r.stderr());
        assertEquals("secret_exists", r.errorJson().getString("reason"));
        assertTrue(r.errorJson().getString("error").contains("app.plain"));
        assertArrayEquals(before, Files.readAllBytes(vault), "a refused import wrote the vault");

        var ok = cli.run("secret", "import", "--from-dotenv", file.toString(), "--prefix", "app.", "--overwrite", "--json");
        assertEquals(0, ok.code(), ok.stderr());
        assertEquals(List.of("app.plain"), ok.json().getArray("replaced").stream().map(Object::toString).toList());
        assertEquals("new", cli.run("secret", "get", "app.plain").out());
        assertEquals("a b", cli.run("secret", "get", "app.FRESH").out());
    }

    @Test
    void importRefusesWhatShWouldExpandNamingTheLineNotTheValue() throws Exception {
        Path file = Files.writeString(home.resolve("bad.env"), "OK=1\nBAD=\"secret-part $HOME\"\n");
        byte[] before = Files.readAllBytes(vault);
        var r = cli.run("secret", "import", "--from-dotenv", file.toString(), "--json");
        assertEquals(25, r.code(), r.stderr());
        assertTrue(r.stderr().contains("bad.env:2:"), "the error names the line: " + r.stderr());
        assertTrue(!r.stderr().contains("secret-part"), "the error shows the value: " + r.stderr());
        assertArrayEquals(before, Files.readAllBytes(vault));
        assertEquals(22, cli.run("secret", "import", "--from-dotenv", home.resolve("missing.env").toString()).code());
    }

    /** A big file's import says how many, with a few names, not every name on one line; JSON lists them all. */
    @Test
    void aBigImportNamesAFewAndCountsTheRest() throws Exception {
        var lines = new StringBuilder();
        for (int i = 0; i < 25; i++) {
            lines.append("BIG_").append(i).append("=v").append(i).append('\n');
        }
        Path file = Files.writeString(home.resolve("big.env"), lines);
        var r = cli.run("secret", "import", "--from-dotenv", file.toString());
        assertEquals(0, r.code(), r.stderr());
        assertTrue(r.out().startsWith("imported 25 secrets: BIG_0, "), r.out());
        assertTrue(r.out().strip().endsWith(" and 15 more"), r.out());
        var again = cli.run("secret", "import", "--from-dotenv", file.toString(), "--json");
        assertEquals(24, again.code(), again.stderr());
        assertTrue(again.errorJson().getString("error").endsWith(" and 15 more"), again.stderr());
        var json = cli.run("secret", "import", "--from-dotenv", file.toString(), "--prefix", "p.", "--json");
        assertEquals(25, json.json().getArray("names").size());
    }

    @Test
    void importReadsStdin() {
        var r = cli.runWithStdin("FROM_PIPE='piped value'\n".getBytes(StandardCharsets.UTF_8),
                "secret", "import", "--from-dotenv", "-");
        assertEquals(0, r.code(), r.stderr());
        assertEquals("piped value", cli.run("secret", "get", "FROM_PIPE").out());
    }

    @Test
    void exportRefusesATerminalAndNamesThatWouldCollide() {
        cli.terminal = CliRun.stdoutIsATerminal();
        var tty = cli.run("secret", "export", "--json");
        assertEquals(26, tty.code(), tty.stderr());
        assertEquals(0, tty.stdout().length);
        assertEquals(0, cli.run("secret", "export", "--unsafe-stdout").code());
        cli.terminal = Terminal.none();

        TestVaults.put(new dev.kimen.vault.store.VaultStore(vault, () -> SecretBytes.ofUtf8("pw")), "app.db_url", "x");
        var clash = cli.run("secret", "export", "--prefix", "app.", "--json");
        assertEquals(25, clash.code(), clash.stderr());
        assertTrue(clash.errorJson().getString("error").contains("DB_URL"), clash.stderr());
    }

    @Test
    void exportJsonKeepsNamesLessThePrefixAndSaysHowEachValueIsEncoded() throws Exception {
        JsonObject json = cli.run("secret", "export", "--format", "json", "--prefix", "app.").json();
        JsonArray secrets = json.getArray("secrets");
        assertEquals(6, secrets.size());
        var byName = new LinkedHashMap<String, String>();
        secrets.forEach(s -> byName.put(((JsonObject) s).getString("name"), ((JsonObject) s).getString("value")));
        assertEquals(HARD.get("app.lines"), byName.get("lines"));
        assertEquals(HARD.get("app.db-url"), byName.get("db-url"));
    }
}
