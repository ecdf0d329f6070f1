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

    /** The keyring's item when a keyring is reachable and holds {@code name}; empty otherwise. */
    default Optional<SecretBytes> keyringIfReachable(String name) {
        return Optional.empty();
    }
}
