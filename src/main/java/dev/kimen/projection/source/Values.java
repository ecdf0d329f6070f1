package dev.kimen.projection.source;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import dev.kimen.crypto.SecretBytes;
import dev.kimen.process.HelperCommand;
import java.nio.charset.StandardCharsets;

/** Turns a {@link ValueSource} into bytes. */
public final class Values {
    private Values() {}

    /**
     * The value; the caller owns (and destroys) the result.
     *
     * <p>An {@code instanceof} chain, not a pattern {@code switch}: every pattern switch bootstraps
     * through {@code SwitchBootstraps} on first use (some 5 ms of a cold start for the first, 1 ms
     * for each next), and every {@code kimen run} comes here. ValuesTest resolves each kind.
     */
    public static SecretBytes resolve(ValueSource source, SecretLookup vault) {
        if (source instanceof ValueSource.Secret s) {
            return SecretBytes.adopt(vault.get(s.name()).reveal());
        }
        if (source instanceof ValueSource.Const c) {
            return SecretBytes.adopt(c.literal().getBytes(StandardCharsets.UTF_8));
        }
        if (source instanceof ValueSource.Exec e) {
            return SecretBytes.withoutFinalNewline(HelperCommand.run(e.argv(), "exec source", Reason.EXEC_SOURCE_FAILED));
        }
        if (source instanceof ValueSource.Keyring k) {
            return vault.keyring(k.name()).orElseThrow(() -> KimenException.of(
                    Reason.SECRET_NOT_FOUND, "no keyring item named " + k.name(),
                    "store one with: kimen secret set " + k.name() + " --store keyring"));
        }
        if (source instanceof ValueSource.Stored s) {
            if (!vault.mimaStoreIsVault()) {
                return vault.keyring(s.name()).orElseThrow(() -> notInMimaStore(s.name(), "the OS keyring"));
            }
            try {
                return SecretBytes.adopt(vault.get(s.name()).reveal());
            } catch (KimenException e) {
                throw e.reason() == Reason.SECRET_NOT_FOUND ? notInMimaStore(s.name(), "kimen's vault") : e;
            }
        }
        throw new IllegalArgumentException("unknown value source " + source.getClass().getSimpleName());
    }

    /** A group's bare name missing from mima's store: the fix is to add it there. */
    private static KimenException notInMimaStore(String name, String store) {
        return KimenException.of(Reason.SECRET_NOT_FOUND, "no secret named " + name + " in " + store + " (mima's store)",
                "add it with: mima secret add " + name);
    }
}
