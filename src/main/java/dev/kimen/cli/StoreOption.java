package dev.kimen.cli;

import dev.kimen.config.Config;
import dev.kimen.keyring.Keyring;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code --store vault|keyring} of the secret commands. Without it, kimen uses the vault, and mima
 * its configured store ({@code mima config store}): the OS keyring unless the user chose the vault.
 * A keyring that does not answer stops the command: it never quietly becomes the vault.
 */
public final class StoreOption {
    enum Store { VAULT, KEYRING }

    @Option(names = "--store", paramLabel = "vault|keyring", description = "Where the secret lives. Default: the"
            + " vault for kimen; for mima its configured store (the OS keyring unless mima config store vault).")
    Store store;

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    /** The keyring to work on (the caller closes it), or empty for the vault. */
    Optional<Keyring> keyring(Context ctx) {
        return usesKeyring(ctx) ? Optional.of(ctx.keyring()) : Optional.empty();
    }

    private boolean usesKeyring(Context ctx) {
        if (store != null) {
            return store == Store.KEYRING;
        }
        return isMima() && ctx.config().mimaStore() == Config.MimaStore.KEYRING;
    }

    /** Whether mima runs this command without {@code --store}: it then says which store it used. */
    boolean mimaDefault() {
        return store == null && isMima();
    }

    private boolean isMima() {
        return command.root().name().equals("mima");
    }
}
