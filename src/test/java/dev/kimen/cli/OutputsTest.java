package dev.kimen.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kimen.vault.TestVaults;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --out} of every command that writes secrets: a FIFO (or anything but a regular file) at
 * the path is refused with unsafe_path before any work, and left as it was; {@code --out -} is
 * stdout, and never a terminal.
 */
class OutputsTest {
    @TempDir Path home;
    CliRun cli;
    Path fifo;

    @BeforeEach
    void setUp() throws Exception {
        cli = new CliRun(home);
        cli.env.put("KIMEN_PASSPHRASE", "pw");
        TestVaults.put(TestVaults.create(home.resolve(".config/kimen/vault.kv"), "pw"), "api.token", "tok-5e1f");
        fifo = home.resolve("out");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
    }

    @Test
    void aFifoAtOutIsRefusedAndLeftAsItWas() throws Exception {
        for (List<String> args : List.of(List.of("envfile", "--env", "A=api.token"),
                List.of("secret", "export"), List.of("bundle", "seal", "--recipient",
                        "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p"))) {
            var argv = new java.util.ArrayList<>(args);
            argv.addAll(List.of("--out", fifo.toString(), "--json"));
            var r = cli.run(argv.toArray(String[]::new));
            assertEquals(26, r.code(), args + ": " + r.stderr());
            assertEquals("unsafe_path", r.errorJson().getString("reason"));
            assertTrue(r.errorJson().getString("error").contains("is a FIFO"), r.stderr());
            assertEquals(0, r.stdout().length);
            assertTrue(Files.exists(fifo) && !Files.isRegularFile(fifo, LinkOption.NOFOLLOW_LINKS), "still a FIFO");
        }
    }

    @Test
    void outDashIsStdoutButNotATerminal() {
        var r = cli.run("envfile", "--env", "A=api.token", "--out", "-");
        assertEquals(0, r.code(), r.stderr());
        assertEquals("A='tok-5e1f'\n", r.out(), "the envfile itself, no report");
        assertEquals("tok-5e1f", cli.run("secret", "export", "--out", "-").out().lines()
                .filter(l -> l.startsWith("API_TOKEN=")).findFirst().orElseThrow().replaceAll("^API_TOKEN='|'$", ""));
        assertEquals(2, cli.run("envfile", "--env", "A=api.token", "--out", "-", "--json").code(), "stdout holds the file");

        cli.terminal = CliRun.stdoutIsATerminal();
        var tty = cli.run("envfile", "--env", "A=api.token", "--out", "-", "--json");
        assertEquals(2, tty.code());
        tty = cli.run("envfile", "--env", "A=api.token", "--out", "-");
        assertEquals(26, tty.code(), tty.stderr());
        assertTrue(tty.stderr().contains("refusing to print an envfile to a terminal"), tty.stderr());
        assertEquals(0, tty.stdout().length);
    }
}
