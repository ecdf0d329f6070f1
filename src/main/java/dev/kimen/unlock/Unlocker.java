package dev.kimen.unlock;

import dev.kimen.crypto.KdfParams;
import dev.kimen.crypto.SecretBytes;
import dev.kimen.vault.VaultKey;
import dev.kimen.vault.store.VaultKeys;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The key of an existing vault, from the first source of DESIGN §2 that has one:
 * {@code KIMEN_PASSPHRASE}, {@code --passphrase-cmd}, {@code --passphrase-stdin}, the session
 * (a key it holds for this very file, so no Argon2id at all), the configured unlock method, the
 * terminal. A passphrase is asked for at most once and cleared on close.
 */
public final class Unlocker implements VaultKeys {
    private final UnlockInputs in;
    private SecretBytes passphrase;
    /** Where the key came from, for a wrong passphrase's hint: a source's name, "terminal", or "the session". */
    private String source;
    private int asked;

    public Unlocker(UnlockInputs in) {
        this.in = in;
    }

    /** Reads {@code --passphrase-stdin} now, when it was given: stdin may be handed on later. */
    public void readStdinNow() {
        if (in.passphraseStdin() && passphrase == null) {
            passphrase = PassphraseChain.explicit(in).orElseThrow();
        }
    }

    @Override
    public VaultKey keyFor(Path vault, KdfParams params, byte[] salt) {
        if (passphrase == null) {
            Optional<SecretBytes> explicit = PassphraseChain.explicit(in);
            if (explicit.isEmpty()) {
                Optional<VaultKey> held = in.session().flatMap(s -> s.keyFor(vault, params, salt));
                if (held.isPresent()) {
                    source = "the session";
                    return held.get();
                }
            }
            source = PassphraseChain.explicitSource(in);
            if (explicit.isPresent()) {
                passphrase = explicit.get();
            } else {
                Optional<SecretBytes> configured = PassphraseChain.configured(in);
                source = configured.isPresent() ? "the configured unlock method" : "terminal";
                passphrase = configured.orElseGet(() -> in.terminal().readSecret((asked++ == 0 ? "" : "Wrong passphrase."
                        + " ") + "Passphrase for " + in.vault() + ": ").orElseThrow(PassphraseChain::missing));
            }
        }
        return VaultKey.derive(passphrase, params, salt);
    }

    @Override
    public boolean askAgain() {
        if (!"terminal".equals(source)) {
            return false;
        }
        passphrase.destroy();
        passphrase = null;
        return true;
    }

    @Override
    public String source() {
        return source;
    }

    @Override
    public void close() {
        if (passphrase != null) {
            passphrase.destroy();
        }
    }
}
