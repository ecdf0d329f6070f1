package dev.kimen.cli;

import dev.kimen.crypto.Aead;
import dev.kimen.crypto.KdfParams;
import dev.kimen.crypto.SecretBytes;
import dev.kimen.fs.PrivateFiles;
import dev.kimen.session.RunPlanner;
import dev.kimen.term.Terminal;
import dev.kimen.unlock.SessionKeys;
import dev.kimen.vault.Vault;
import dev.kimen.vault.VaultKey;
import dev.kimen.vault.format.VaultCodec;
import dev.kimen.vault.format.VaultFile;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code kimen run} planned in the session daemon for the native client (kimen-fastrun), which
 * then execs the command with no JVM started: the run costs a socket round trip instead of a JVM
 * start. It is the usual command line and run code, with a {@link HandOff} in the context; only a
 * run that ends in a plain exec is handed over. Anything else (an error, help, output of its own,
 * files or stdin to project, masking) comes back empty, and the client starts the JVM, which
 * does it again the usual way; so errors and their exit codes are always the JVM's own. (The run
 * reads no clock: the daemon's time zone, which may not be the client's, judges nothing here.)
 */
public final class FastRun implements RunPlanner {
    @Override
    public Optional<Launch> plan(Path cwd, List<String> args, Map<String, String> env, SessionKeys keys) {
        if (args.isEmpty() || !args.getFirst().equals("run") || !cwd.isAbsolute()) {
            return Optional.empty();
        }
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        var handOff = new HandOff(keys);
        var ctx = new Context(InputStream.nullInputStream(), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), env, Terminal.none(), cwd).handOff(handOff);
        int code = Cli.run(ctx, args.toArray(String[]::new));
        HandOff.Exec exec = handOff.exec();
        // an access log that cannot be written: the JVM's run warns about it, where the user sees it
        if (code != 0 || exec == null || out.size() > 0 || !ctx.writeAccess(handOff.accessed())) {
            return Optional.empty();
        }
        return Optional.of(new Launch(exec.program(), exec.argv(), exec.env(), err.toString(StandardCharsets.UTF_8)));
    }

    /**
     * Measured: the first plan in a fresh daemon took 140-200 ms, loading the command line's, the
     * run's and the vault's classes into its interpreter; after this, a few ms. The throwaway run
     * reads a throwaway vault (a fresh random key, one secret), removed afterwards.
     */
    @Override
    public void warmUp(Path scratch) {
        Path file = scratch.resolve("warm-up.kv");
        try (var key = VaultKey.of(SecretBytes.adopt(Aead.randomBytes(Aead.KEY_BYTES)), KdfParams.DEFAULT,
                Aead.randomBytes(VaultFile.SALT_BYTES)); var vault = new Vault()) {
            vault.put("warm.up", SecretBytes.ofUtf8("x"));
            PrivateFiles.write(file, VaultCodec.seal(vault, key).toBytes());
            plan(Path.of("/"), List.of("run", "--vault", file.toString(), "--env", "KIMEN_WARM_UP=warm.up", "--", "true"),
                    Map.of("PATH", "/usr/bin:/bin", "HOME", scratch.toString()), (path, params, salt) -> Optional.of(key.copy()));
        } finally {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // the next warm-up replaces it
            }
        }
    }
}
