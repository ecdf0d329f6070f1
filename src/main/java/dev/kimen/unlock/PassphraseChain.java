package dev.kimen.unlock;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import dev.kimen.crypto.SecretBytes;
import dev.kimen.process.ChildEnv;
import dev.kimen.process.HelperCommand;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Optional;

/**
 * The passphrase sources of DESIGN §2, tried in this fixed order:
 * <ol>
 *   <li>{@code KIMEN_PASSPHRASE}</li>
 *   <li>{@code --passphrase-cmd <cmd>}</li>
 *   <li>{@code --passphrase-stdin}</li>
 *   <li>an active session for the same canonical vault path ({@link Unlocker}; it holds a key, not a passphrase)</li>
 *   <li>the configured unlock method ({@code config unlock set})</li>
 *   <li>a no-echo prompt on the controlling terminal</li>
 * </ol>
 */
public final class PassphraseChain {
    public static final String ENV = ChildEnv.PASSPHRASE;

    private PassphraseChain() {}

    /** The passphrase of an existing vault, from every source but the session (see {@link Unlocker}). */
    public static SecretBytes current(UnlockInputs in) {
        return explicit(in).orElseGet(() -> afterSession(in));
    }

    /** A passphrase for a new vault: the same sources, but a prompt asks twice and must match. */
    public static SecretBytes fresh(UnlockInputs in) {
        SecretBytes pass = explicit(in).or(() -> configured(in))
                .or(() -> confirmedPrompt(in.terminal(), "New passphrase for " + in.vault() + ": "))
                .orElseThrow(PassphraseChain::missing);
        return requireNonEmpty(pass);
    }

    /** The sources the user named for this command: {@code KIMEN_PASSPHRASE}, the command, stdin. */
    static Optional<SecretBytes> explicit(UnlockInputs in) {
        String fromEnv = in.env().get(ENV);
        if (fromEnv != null && !fromEnv.isEmpty()) {
            return Optional.of(SecretBytes.ofUtf8(fromEnv));
        }
        if (in.passphraseCmd() != null) {
            return Optional.of(fromCommand(in.passphraseCmd(), "passphrase command"));
        }
        if (in.passphraseStdin()) {
            return Optional.of(fromStdin(in.stdin(), "--passphrase-stdin"));
        }
        return Optional.empty();
    }

    /** The name of the explicit source {@link #explicit} takes, for messages; null when there is none. */
    static String explicitSource(UnlockInputs in) {
        String fromEnv = in.env().get(ENV);
        return fromEnv != null && !fromEnv.isEmpty() ? ENV : in.passphraseCmd() != null ? "--passphrase-cmd"
                : in.passphraseStdin() ? "--passphrase-stdin" : null;
    }

    /** The sources after the session: the configured unlock method, then the terminal. */
    static SecretBytes afterSession(UnlockInputs in) {
        return configured(in)
                .or(() -> in.terminal().readSecret("Passphrase for " + in.vault() + ": "))
                .orElseThrow(PassphraseChain::missing);
    }

    static Optional<SecretBytes> configured(UnlockInputs in) {
        return in.configured().map(method -> switch (method) {
            case UnlockMethod.Command c -> fromCommand(c.commandLine(), "configured unlock command");
            case UnlockMethod.KeyringItem k -> {
                try (var keyring = dev.kimen.keyring.Keyrings.open(in.env())) {
                    yield keyring.get(k.name()).orElseThrow(() -> KimenException.of(Reason.MISSING_PASSPHRASE,
                            "the configured unlock method names the keyring item " + k.name() + ", which is not there",
                            "store the passphrase there: kimen secret set " + k.name() + " --store keyring"));
                }
            }
        });
    }

    /**
     * Asks twice on the terminal, and again when the two differ or the first is empty (a typo is
     * not a reason to start over), up to three times; empty when there is no terminal.
     */
    public static Optional<SecretBytes> confirmedPrompt(dev.kimen.term.Terminal terminal, String prompt) {
        String ask = prompt;
        for (int tries = 1; ; tries++) {
            Optional<SecretBytes> first = terminal.readSecret(ask);
            if (first.isEmpty() && tries > 1) {
                throw differed(tries - 1); // the terminal closed while asking again
            }
            if (first.isEmpty()) {
                return first;
            }
            boolean same;
            try (SecretBytes again = terminal.readSecret("Repeat to confirm: ").orElseThrow(PassphraseChain::missing)) {
                same = first.get().sameAs(again) && !first.get().isEmpty();
            }
            if (same) {
                return first;
            }
            boolean empty = first.get().isEmpty();
            first.get().destroy();
            if (tries == 3) {
                throw differed(tries);
            }
            ask = (empty ? "The passphrase is empty. " : "The two differ. ") + prompt;
        }
    }

    private static KimenException differed(int times) {
        return KimenException.of(Reason.USAGE, "the two passphrases differed (or were empty) " + times
                + (times == 1 ? " time" : " times") + "; nothing was changed");
    }

    static SecretBytes requireNonEmpty(SecretBytes pass) {
        if (pass.isEmpty()) {
            throw KimenException.of(Reason.USAGE, "the new passphrase is empty");
        }
        return pass;
    }

    static SecretBytes fromCommand(String commandLine, String what) {
        return SecretBytes.withoutFinalNewline(HelperCommand.run(HelperCommand.split(commandLine), what, Reason.PASSPHRASE_CMD_FAILED));
    }

    /** Reads all of stdin; one trailing newline (LF or CRLF) is not part of the passphrase. */
    public static SecretBytes fromStdin(InputStream stdin, String option) {
        try {
            SecretBytes pass = SecretBytes.withoutFinalNewline(stdin.readAllBytes());
            if (pass.isEmpty()) {
                throw KimenException.of(Reason.MISSING_PASSPHRASE, option + " was given but stdin was empty");
            }
            return pass;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static KimenException missing() {
        return KimenException.of(Reason.MISSING_PASSPHRASE,
                "no passphrase available and no terminal to ask on",
                "set KIMEN_PASSPHRASE, pass --passphrase-cmd <cmd> or --passphrase-stdin,"
                        + " or unlock once with: kimen session start");
    }
}
