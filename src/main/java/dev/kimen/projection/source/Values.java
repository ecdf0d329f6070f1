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
     * {@code p}'s value (see {@link #resolve(ValueSource, SecretLookup)}). A command that fails
     * is named with its place, as {@code map lint} names a line: the map file and line (or the
     * flag, or the group) and the variable or file it was to give, so a run that doctor passed and
     * that then fails says which line to look at.
     */
    public static SecretBytes resolve(dev.kimen.projection.Projection p, SecretLookup vault) {
        try {
            return resolve(p.source(), vault);
        } catch (KimenException e) {
            if (e.reason() != Reason.EXEC_SOURCE_FAILED) {
                throw e;
            }
            throw KimenException.wrap(e.reason(), p.origin() + ": " + p.kind().word() + " " + p.target() + ": "
                    + e.getMessage(), e.hint(), e);
        }
    }

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
