package dev.kimen.session;

import dev.kimen.crypto.SecretBytes;
import dev.kimen.unlock.SessionKeys;
import java.util.Optional;

/** What a command run in the daemon may take from it: the vault keys, and the keyring items it holds. */
public interface Held extends SessionKeys {
    /** A copy of the keyring item held (the caller closes it); empty when none is. */
    default Optional<SecretBytes> item(String keyring, String name) {
        return Optional.empty();
    }
}
