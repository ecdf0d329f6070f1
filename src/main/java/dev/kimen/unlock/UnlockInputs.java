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
 * @param configuredCommand the unlock command from {@code config unlock set}
 * @param vault the vault being unlocked, named in the prompt
 */
public record UnlockInputs(Map<String, String> env, String passphraseCmd, boolean passphraseStdin,
                           InputStream stdin, Optional<String> configuredCommand, Terminal terminal,
                           Path vault) {}
