package dev.kimen.projection.source;

import dev.kimen.crypto.SecretBytes;

/** How projection sees the vault: by name, nothing more. Throws {@code secret_not_found}. */
@FunctionalInterface
public interface SecretLookup {
    SecretBytes get(String name);
}
