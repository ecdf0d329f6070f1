package dev.kimen.session;

import dev.kimen.crypto.SecretBytes;
import dev.kimen.keyring.Keyring;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The OS keyring as a command sees it while a session runs (issue 25): an item the session holds
 * is read from the session, with no D-Bus call; an item read from the keyring is handed to the
 * session to hold (it does so only while it holds a vault key, for that key's TTL); an item a
 * command changes or removes is forgotten by the session first, so no command ever reads a stale
 * one through it. The keyring itself is opened only when needed, so a locked keyring or a missing
 * bus fails a command ({@code keyring_unavailable}) exactly when the session does not hold what
 * it reads, and never turns into another store.
 */
public final class SessionKeyring implements Keyring {
    private final SessionClient session;
    private final String id;
    private final Supplier<Keyring> opener;
    private Keyring keyring;

    /** @param id the keyring's {@link dev.kimen.keyring.Keyrings#id}; {@code opener} opens it */
    public SessionKeyring(SessionClient session, String id, Supplier<Keyring> opener) {
        this.session = session;
        this.id = id;
        this.opener = opener;
    }

    private Keyring keyring() {
        if (keyring == null) {
            keyring = opener.get();
        }
        return keyring;
    }

    @Override
    public Optional<SecretBytes> get(String name) {
        Optional<SecretBytes> held = session.item(id, name);
        if (held.isPresent()) {
            return held;
        }
        Optional<SecretBytes> read = keyring().get(name);
        read.ifPresent(value -> session.holdItem(id, name, value));
        return read;
    }

    @Override
    public boolean contains(String name) {
        return keyring().contains(name);
    }

    @Override
    public void set(String name, SecretBytes value) {
        session.forgetItem(id, name);
        keyring().set(name, value);
    }

    @Override
    public boolean remove(String name) {
        session.forgetItem(id, name);
        return keyring().remove(name);
    }

    @Override
    public List<String> names() {
        return keyring().names();
    }

    @Override
    public void close() {
        if (keyring != null) {
            keyring.close();
        }
    }
}
