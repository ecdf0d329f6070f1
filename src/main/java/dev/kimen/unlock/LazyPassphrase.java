package dev.kimen.unlock;

import dev.kimen.crypto.SecretBytes;
import java.util.function.Supplier;

/** Asks the passphrase chain at most once, on first use, and clears the passphrase on close. */
public final class LazyPassphrase implements Supplier<SecretBytes>, AutoCloseable {
    private final UnlockInputs inputs;
    private SecretBytes value;

    public LazyPassphrase(UnlockInputs inputs) {
        this.inputs = inputs;
    }

    @Override
    public SecretBytes get() {
        if (value == null) {
            value = PassphraseChain.current(inputs);
        }
        return value;
    }

    @Override
    public void close() {
        if (value != null) {
            value.destroy();
        }
    }
}
