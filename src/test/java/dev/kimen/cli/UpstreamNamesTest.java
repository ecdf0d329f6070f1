package dev.kimen.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kimen.text.Utf8;
import dev.kimen.vault.TestVaults;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An upstream v2 vault may hold a name that is not UTF-8 (DESIGN §2): it opens, lists and gets,
 * the name shown with its stray bytes as \xNN, and found by that form (issue 22).
 */
class UpstreamNamesTest {
    @TempDir Path home;

    @Test
    void aNameThatIsNotUtf8ListsEscapedAndGetsByItsShownForm() throws Exception {
        var cli = new CliRun(home);
        cli.env.put("KIMEN_PASSPHRASE", "pw");
        String name = Utf8.decodeEscaped(new byte[] {'c', 'a', 'f', (byte) 0xe9, '.', 'x'});
        TestVaults.put(TestVaults.create(home.resolve(".config/kimen/vault.kv"), "pw"), name, "the value");

        var list = cli.run("secret", "list");
        assertEquals(0, list.code(), list.stderr());
        assertEquals("caf\\xe9.x\n", list.out());
        var json = cli.run("secret", "list", "--json");
        assertTrue(json.out().contains("\"caf\\\\xe9.x\""), json.out());
        var get = cli.run("secret", "get", "caf\\xe9.x");
        assertEquals(0, get.code(), get.stderr());
        assertEquals("the value", get.out());
    }
}
