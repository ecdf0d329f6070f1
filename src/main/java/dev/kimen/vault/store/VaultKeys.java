package dev.kimen.vault.store;

import dev.kimen.crypto.KdfParams;
import dev.kimen.crypto.SecretBytes;
import dev.kimen.vault.VaultKey;
import java.nio.file.Path;
import java.util.function.Supplier;

/** Where a {@link VaultStore} gets the key for its file: derived from a passphrase, or held by a session. */
@FunctionalInterface
public interface VaultKeys extends AutoCloseable {
    /** A key for the vault at {@code vault} whose file has these KDF parameters and salt; the caller closes it. */
    VaultKey keyFor(Path vault, KdfParams params, byte[] salt);

    /**
     * Whether a key that did not open the vault may be asked for again: true only for a passphrase
     * typed at the terminal, which is then forgotten so the next {@link #keyFor} asks anew.
     */
    default boolean askAgain() {
        return false;
    }

    /** Where the key came from, for the hint of a wrong passphrase ("KIMEN_PASSPHRASE"); null when unknown. */
    default String source() {
        return null;
    }

    /** Clears whatever this source still holds (a passphrase it asked for). */
    @Override
    default void close() {}

    /** Derives the key from {@code passphrase}, asked only when a key is needed. */
    static VaultKeys derivedFrom(Supplier<SecretBytes> passphrase) {
        return (vault, params, salt) -> VaultKey.derive(passphrase.get(), params, salt);
    }
}
