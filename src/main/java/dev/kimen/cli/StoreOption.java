package dev.kimen.cli;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import dev.kimen.keyring.Keyring;
import dev.kimen.keyring.Keyrings;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code --store vault|keyring} of the secret commands. Without it, kimen uses the vault, and mima
 * (whose secrets live in the OS keyring) the keyring when one is reachable, else the vault.
 */
public final class StoreOption {
    @Option(names = "--store", paramLabel = "vault|keyring", description = "Where the secret lives. Default: the"
            + " vault for kimen; for mima the OS keyring when one is reachable (for get/rm: when it holds the name),"
            + " else the vault.")
    String store;

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    /** Whether this command works on the keyring; {@code name}: the secret read or removed (null for a write or list). */
    boolean keyring(Context ctx, String name) {
        if (store != null) {
            return switch (store) {
                case "keyring" -> true;
                case "vault" -> false;
                default -> throw KimenException.of(Reason.USAGE, "--store is vault or keyring");
            };
        }
        if (!command.root().name().equals("mima")) {
            return false;
        }
        try (Keyring k = Keyrings.open(ctx.env())) {
            return name == null || k.get(name).map(v -> {
                v.close();
                return true;
            }).orElse(false);
        } catch (KimenException e) {
            if (e.reason() != Reason.KEYRING_UNAVAILABLE) {
                throw e;
            }
            return false;
        }
    }
}
