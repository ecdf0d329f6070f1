package dev.kimen.projection.source;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import dev.kimen.crypto.SecretBytes;
import dev.kimen.process.HelperCommand;
import java.nio.charset.StandardCharsets;

/** Turns a {@link ValueSource} into bytes. */
public final class Values {
    private Values() {}

    /** The value; the caller owns (and destroys) the result. */
    public static SecretBytes resolve(ValueSource source, SecretLookup vault) {
        return switch (source) {
            case ValueSource.Secret s -> {
                byte[] copy = vault.get(s.name()).reveal();
                yield SecretBytes.adopt(copy);
            }
            case ValueSource.Const c -> SecretBytes.adopt(c.literal().getBytes(StandardCharsets.UTF_8));
            case ValueSource.Exec e -> SecretBytes.withoutFinalNewline(HelperCommand.run(e.argv(), "exec source", Reason.EXEC_SOURCE_FAILED));
            case ValueSource.Keyring k -> vault.keyring(k.name()).orElseThrow(() -> KimenException.of(
                    Reason.SECRET_NOT_FOUND, "no keyring item named " + k.name(),
                    "store one with: kimen secret set " + k.name() + " --store keyring"));
            case ValueSource.Stored s -> vault.keyringIfReachable(s.name()).orElseGet(() -> vault.get(s.name()).copy());
        };
    }
}
