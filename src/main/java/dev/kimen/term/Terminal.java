package dev.kimen.term;

import dev.kimen.crypto.SecretBytes;
import java.util.Optional;

/** What kimen needs from a terminal: whether a stream is one, and a prompt that does not echo. */
public interface Terminal {
    /** Whether file descriptor {@code fd} (0, 1 or 2) is a terminal. */
    boolean isTerminal(int fd);

    /**
     * Shows {@code prompt} on the controlling terminal and reads one line with echo off.
     * Empty when the process has no controlling terminal.
     */
    Optional<SecretBytes> readSecret(String prompt);

    /**
     * Shows {@code prompt} on the controlling terminal and reads one line, echoed (an answer, not
     * a secret). Empty when the process has no controlling terminal.
     */
    default Optional<String> readLine(String prompt) {
        return Optional.empty();
    }

    /** No terminal at all: what a CI job or a test sees. */
    static Terminal none() {
        return new Terminal() {
            @Override
            public boolean isTerminal(int fd) {
                return false;
            }

            @Override
            public Optional<SecretBytes> readSecret(String prompt) {
                return Optional.empty();
            }
        };
    }
}
