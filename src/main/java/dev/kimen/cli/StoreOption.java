package dev.kimen.cli;

import dev.kimen.keyring.Keyring;
import dev.kimen.keyring.Keyrings;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code --store vault|keyring} of the secret commands. Without it, kimen uses the vault, and mima
 * (whose secrets live in the OS keyring) the keyring when one answers, else the vault. A keyring
 * that answers but is locked stops the command: it never quietly falls back to the vault.
 */
public final class StoreOption {
    enum Store { VAULT, KEYRING }

    @Option(names = "--store", paramLabel = "vault|keyring", description = "Where the secret lives. Default: the"
            + " vault for kimen; for mima the OS keyring when one answers (for get/rm: when it holds the name),"
            + " else the vault.")
    Store store;

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    /**
     * The keyring to work on (the caller closes it), or empty for the vault.
     *
     * @param name the secret read or removed; null for a write or a list
     */
    Optional<Keyring> keyring(Context ctx, String name) {
        if (store != null) {
            return store == Store.KEYRING ? Optional.of(Keyrings.open(ctx.env())) : Optional.empty();
        }
        if (!command.root().name().equals("mima")) {
            return Optional.empty();
        }
        Optional<Keyring> reachable = Keyrings.openIfReachable(ctx.env());
        if (reachable.isEmpty() || name == null) {
            return reachable;
        }
        Keyring k = reachable.get();
        try {
            if (k.contains(name)) {
                return reachable;
            }
        } catch (RuntimeException e) {
            k.close();
            throw e;
        }
        k.close();
        return Optional.empty();
    }
}
