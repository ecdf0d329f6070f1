package dev.kimen.unlock;

import dev.kimen.term.Terminal;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Everything the passphrase chain may draw on, gathered by the command that needs the vault.
 *
 * @param passphraseCmd {@code --passphrase-cmd}, or null
 * @param passphraseStdin {@code --passphrase-stdin}
 * @param session the session daemon's keys; empty for commands that must see the passphrase itself
 * @param configured the unlock method from {@code config unlock set}
 * @param vault the vault being unlocked, named in the prompt
 */
public record UnlockInputs(Map<String, String> env, String passphraseCmd, boolean passphraseStdin,
                           InputStream stdin, Optional<SessionKeys> session, Optional<UnlockMethod> configured,
                           Terminal terminal, Path vault) {
    /** The same inputs without the session step. */
    public UnlockInputs withoutSession() {
        return new UnlockInputs(env, passphraseCmd, passphraseStdin, stdin, Optional.empty(), configured,
                terminal, vault);
    }
}
