package dev.kimen.unlock;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import dev.kimen.crypto.SecretBytes;
import dev.kimen.process.ChildEnv;
import dev.kimen.term.Terminal;
import java.io.InputStream;
import java.util.Map;

/**
 * Where {@code vault rekey} takes the new passphrase from, in this order: {@code
 * --new-passphrase-stdin}, the variable named by {@code --new-passphrase-env NAME},
 * {@code KIMEN_NEW_PASSPHRASE}, then a prompt that asks twice.
 */
public final class NewPassphrase {
    public static final String ENV = ChildEnv.NEW_PASSPHRASE;

    private NewPassphrase() {}

    public static SecretBytes resolve(boolean fromStdin, String envName, Map<String, String> env,
                                      InputStream stdin, Terminal terminal) {
        SecretBytes pass;
        if (fromStdin) {
            pass = PassphraseChain.fromStdin(stdin, "--new-passphrase-stdin");
        } else if (envName != null) {
            String value = env.get(envName);
            if (value == null || value.isEmpty()) {
                throw KimenException.of(Reason.MISSING_PASSPHRASE,
                        "--new-passphrase-env names " + envName + ", which is not set");
            }
            pass = SecretBytes.ofUtf8(value);
        } else if (env.get(ENV) != null && !env.get(ENV).isEmpty()) {
            pass = SecretBytes.ofUtf8(env.get(ENV));
        } else {
            pass = PassphraseChain.confirmedPrompt(terminal, "New passphrase: ").orElseThrow(() ->
                    KimenException.of(Reason.MISSING_PASSPHRASE, "no new passphrase available and no terminal to ask on",
                            "set KIMEN_NEW_PASSPHRASE, or pass --new-passphrase-stdin or --new-passphrase-env NAME"));
        }
        return PassphraseChain.requireNonEmpty(pass);
    }
}
