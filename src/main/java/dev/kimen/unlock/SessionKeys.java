package dev.kimen.unlock;

import dev.kimen.crypto.KdfParams;
import dev.kimen.vault.VaultKey;
import java.nio.file.Path;
import java.util.Optional;

/** The session's step in the passphrase chain: a key it holds for this vault file, if any. */
public interface SessionKeys {
    /**
     * The key held for the vault at canonical path {@code vault}, when it was derived for these
     * KDF parameters and this salt (a rekeyed or replaced file needs the passphrase again).
     */
    Optional<VaultKey> keyFor(Path vault, KdfParams params, byte[] salt);
}
