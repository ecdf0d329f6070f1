package dev.kimen.projection.source;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import dev.kimen.crypto.SecretBytes;
import java.util.Optional;

/** How projection sees the stores: the vault by name ({@code secret_not_found}), and the OS keyring. */
@FunctionalInterface
public interface SecretLookup {
    SecretBytes get(String name);

    /** The OS keyring's item (the caller closes it); {@code keyring_unavailable} without a keyring. */
    default Optional<SecretBytes> keyring(String name) {
        throw KimenException.of(Reason.KEYRING_UNAVAILABLE, "no OS keyring here");
    }

    /**
     * Whether mima's store is the vault ({@code mima config store vault}): a bare name in a mima
     * group is then the vault's secret, else the OS keyring's item, with no fall-back either way.
     */
    default boolean mimaStoreIsVault() {
        return false;
    }
}
