package dev.kimen.cli;

import dev.kimen.crypto.SecretBytes;
import dev.kimen.keyring.Keyring;
import dev.kimen.projection.Plan;
import dev.kimen.process.Confinement;
import dev.kimen.projection.Projection;
import dev.kimen.projection.run.Runner;
import dev.kimen.session.Held;
import dev.kimen.unlock.PassphraseChain;
import dev.kimen.unlock.SessionKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A command run inside the session daemon for the native client ({@link FastRun}): the usual
 * code with these differences, each checked where the command does that step. The vault's key
 * comes only from the keys the daemon holds ({@link #unlocking}); a run only goes ahead when
 * nothing but an exec is left to do ({@link #require}), and instead of starting the command it
 * records what to exec ({@link #launch}); the access-log entry is kept back until nothing can
 * fail any more (a command that ends up the JVM's is logged by the JVM, once).
 */
final class HandOff {
    /**
     * The largest vault file a plan reads. The daemon runs without a JIT, to stay small, so it
     * decrypts and decodes a big vault slower than a fresh JVM does: measured, a 10 000-secret
     * vault (640 KiB) took 625 ms in the daemon against 218 ms for the JVM's whole run, and grew
     * the daemon's heap by 12 MiB; 100 secrets took 27 ms against 100.
     */
    static final long MAX_VAULT_BYTES = 64 * 1024;

    /** The command to exec, as planned. */
    record Exec(Path program, List<String> argv, Map<String, String> env) {}

    private final Held keys;
    private Exec exec;
    private Collection<String> accessed = List.of();

    HandOff(Held keys) {
        this.keys = keys;
    }

    /**
     * Refuses (so the client starts the JVM) a run that needs more than an exec: a projection
     * other than env, masking, a files dir. What its values need beyond the daemon (a command, the
     * keyring) is refused where they are read ({@link dev.kimen.process.Confinement}).
     */
    void require(Plan plan, boolean masking, String filesDir, boolean brokering) {
        boolean plain = !masking && filesDir == null && !brokering;
        for (Projection p : plan.effective()) {
            plain &= p.kind() == Projection.Kind.ENV;
        }
        if (!plain) {
            Confinement.check("a run that needs more than an exec");
        }
    }

    /**
     * The unlock chain's keys for {@code vault}: the held keys only, after refusing a passphrase
     * source that the chain puts before the session, and (once a secret is read) a vault the JVM
     * reads faster.
     */
    SessionKeys unlocking(Context ctx, VaultOptions options, Path vault) {
        if (options.passphraseCmd != null || options.passphraseStdin
                || !ctx.env().getOrDefault(PassphraseChain.ENV, "").isEmpty()) {
            Confinement.check("a passphrase");
        }
        return (path, params, salt) -> {
            if (large(vault)) {
                Confinement.check("a vault over " + MAX_VAULT_BYTES + " bytes");
            }
            return keys.keyFor(path, params, salt);
        };
    }

    /**
     * The keyring {@code id} as the daemon has it: the items it holds, read-only. Any other item,
     * or anything else asked of it, is the JVM's (which reads the keyring and has it held).
     */
    Keyring keyring(String id) {
        return new Keyring() {
            @Override
            public Optional<SecretBytes> get(String name) {
                Optional<SecretBytes> held = id == null ? Optional.empty() : keys.item(id, name);
                if (held.isEmpty()) {
                    Confinement.check("the OS keyring");
                }
                return held;
            }

            @Override
            public boolean contains(String name) {
                Confinement.check("the OS keyring");
                return false;
            }

            @Override
            public void set(String name, SecretBytes value) {
                Confinement.check("the OS keyring");
            }

            @Override
            public boolean remove(String name) {
                Confinement.check("the OS keyring");
                return false;
            }

            @Override
            public List<String> names() {
                Confinement.check("the OS keyring");
                return List.of();
            }

            @Override
            public void close() {}
        };
    }

    private static boolean large(Path vault) {
        try {
            return Files.size(vault) > MAX_VAULT_BYTES;
        } catch (IOException e) {
            return false; // none there: the run reports that, or needs no vault
        }
    }

    /** Records the exec: the program found as {@link Runner#exec} finds it. */
    void launch(List<String> argv, Map<String, String> env, Path cwd) {
        exec = new Exec(Runner.resolve(argv.getFirst(), env.getOrDefault("PATH", ""), cwd), List.copyOf(argv), Map.copyOf(env));
    }

    /** What {@link #launch} recorded, or null: the run did not get that far. */
    Exec exec() {
        return exec;
    }

    void accessed(Collection<String> names) {
        accessed = List.copyOf(names);
    }

    Collection<String> accessed() {
        return accessed;
    }
}
