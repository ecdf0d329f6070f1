package dev.kimen.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kimen.Reason;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A read or write the system refuses is io_error (29), naming the path and the system's reason (issue 22). */
class IoErrorTest {
    @TempDir Path home;

    @Test
    void aVaultTheSystemWillNotReadIsAnIoErrorNotBadData() throws Exception {
        var cli = new CliRun(home);
        cli.env.put("KIMEN_PASSPHRASE", "pw");
        Path vault = Files.createDirectories(home.resolve("vault.kv")); // a directory where the vault should be
        var r = cli.run("secret", "list", "--vault", vault.toString(), "--json");
        assertEquals(29, r.code(), r.stderr());
        assertEquals("io_error", r.errorJson().getString("reason"));
        assertTrue(r.errorJson().getString("error").contains(vault.toString()), r.stderr());
    }

    @Test
    void aFullDiskNamesThePathAndTheSystemsReason() {
        var full = new UncheckedIOException(new FileSystemException("/home/u/.config/kimen/vault.kv", null,
                "No space left on device"));
        var err = new java.io.ByteArrayOutputStream();
        var ctx = new Context(java.io.InputStream.nullInputStream(), new java.io.PrintStream(new java.io.ByteArrayOutputStream()),
                new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8), java.util.Map.of(),
                dev.kimen.term.Terminal.none(), home);
        assertEquals(29, Cli.renderFailure(full, false, ctx));
        assertEquals("kimen: error: I/O error: /home/u/.config/kimen/vault.kv: No space left on device",
                err.toString(java.nio.charset.StandardCharsets.UTF_8).lines().findFirst().orElseThrow());
        assertEquals(Reason.IO_ERROR, Cli.ioError(new java.io.IOException("Input/output error")).reason());
    }
}
