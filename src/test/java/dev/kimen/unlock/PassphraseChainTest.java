package dev.kimen.unlock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import dev.kimen.crypto.SecretBytes;
import dev.kimen.term.Terminal;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PassphraseChainTest {
    /** A terminal whose user types the given lines (the real one is exercised under tmux in e2e). */
    record Typing(ArrayDeque<String> lines) implements Terminal {
        Typing(String... lines) {
            this(new ArrayDeque<>(List.of(lines)));
        }

        @Override
        public boolean isTerminal(int fd) {
            return true;
        }

        @Override
        public Optional<SecretBytes> readSecret(String prompt) {
            return Optional.ofNullable(lines.poll()).map(SecretBytes::ofUtf8);
        }
    }

    static String text(SecretBytes s) {
        return new String(s.reveal(), StandardCharsets.UTF_8);
    }

    static UnlockInputs inputs(Map<String, String> env, String cmd, String stdin, String configured, Terminal t) {
        return new UnlockInputs(env, cmd, stdin != null,
                new ByteArrayInputStream(stdin == null ? new byte[0] : stdin.getBytes(StandardCharsets.UTF_8)),
                Optional.empty(), Optional.ofNullable(configured).map(UnlockMethod.Command::new), t, Path.of("/v.kv"));
    }

    @Test
    void sourcesAreTriedInTheDocumentedOrder(@TempDir Path tmp) throws Exception {
        Path cmdFile = tmp.resolve("cmd");
        Files.writeString(cmdFile, "from-cmd\n");
        Path cfgFile = tmp.resolve("cfg");
        Files.writeString(cfgFile, "from-config\r\n");
        String cmd = "cat " + cmdFile;
        String cfg = "cat " + cfgFile;
        var env = Map.of(PassphraseChain.ENV, "from-env");
        Map<String, String> noEnv = Map.of();

        assertEquals("from-env", text(PassphraseChain.current(inputs(env, cmd, "from-stdin\n", cfg, new Typing("typed")))));
        assertEquals("from-cmd", text(PassphraseChain.current(inputs(noEnv, cmd, "from-stdin\n", cfg, new Typing("typed")))));
        assertEquals("from-stdin", text(PassphraseChain.current(inputs(noEnv, null, "from-stdin\n", cfg, new Typing("typed")))));
        assertEquals("from-config", text(PassphraseChain.current(inputs(noEnv, null, null, cfg, new Typing("typed")))));
        assertEquals("typed", text(PassphraseChain.current(inputs(noEnv, null, null, null, new Typing("typed")))));
    }

    @Test
    void missingNamesEveryWayToGiveOne() {
        var e = assertThrows(KimenException.class,
                () -> PassphraseChain.current(inputs(Map.of(), null, null, null, Terminal.none())));
        assertEquals(Reason.MISSING_PASSPHRASE, e.reason());
        assertEquals(23, e.reason().exitCode());
        String all = e.getMessage() + " " + e.hint();
        for (String way : List.of("KIMEN_PASSPHRASE", "--passphrase-cmd", "--passphrase-stdin", "kimen session start")) {
            assertTrue(all.contains(way), way);
        }
    }

    @Test
    void failingOrMissingCommandIsPassphraseCmdFailed() {
        for (String cmd : List.of("false", "/nonexistent/kimen-helper")) {
            var e = assertThrows(KimenException.class,
                    () -> PassphraseChain.current(inputs(Map.of(), cmd, null, null, Terminal.none())), cmd);
            assertEquals(Reason.PASSPHRASE_CMD_FAILED, e.reason());
            assertEquals(27, e.reason().exitCode());
        }
    }

    @Test
    void freshPromptMustMatchAndNotBeEmpty() {
        var in = inputs(Map.of(), null, null, null, new Typing("one", "two"));
        assertEquals(Reason.USAGE, assertThrows(KimenException.class, () -> PassphraseChain.fresh(in)).reason());
        var empty = inputs(Map.of(), null, null, null, new Typing("", ""));
        assertEquals(Reason.USAGE, assertThrows(KimenException.class, () -> PassphraseChain.fresh(empty)).reason());
        assertEquals("same", text(PassphraseChain.fresh(inputs(Map.of(), null, null, null, new Typing("same", "same")))));
        assertEquals("same", text(PassphraseChain.fresh(inputs(Map.of(), null, null, null,
                new Typing("one", "two", "same", "same")))), "a mismatch asks again");
        var thrice = inputs(Map.of(), null, null, null, new Typing("a", "b", "c", "d", "e", "f", "g", "g"));
        var e = assertThrows(KimenException.class, () -> PassphraseChain.fresh(thrice));
        assertEquals("the two passphrases differed (or were empty) 3 times; nothing was changed", e.getMessage());
    }

    @Test
    void onlyOneTrailingNewlineIsDropped() {
        assertEquals("a\n", text(SecretBytes.withoutFinalNewline("a\n\n".getBytes(StandardCharsets.UTF_8))));
        assertEquals("a", text(SecretBytes.withoutFinalNewline("a\r\n".getBytes(StandardCharsets.UTF_8))));
        assertEquals(" a ", text(SecretBytes.withoutFinalNewline(" a ".getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void newPassphraseOrder() {
        var stdin = new ByteArrayInputStream("from-stdin\n".getBytes(StandardCharsets.UTF_8));
        var env = Map.of(NewPassphrase.ENV, "from-default-env", "MINE", "from-named-env");
        assertEquals("from-stdin", text(NewPassphrase.resolve(true, "MINE", env, stdin, Terminal.none())));
        assertEquals("from-named-env", text(NewPassphrase.resolve(false, "MINE", env, stdin, Terminal.none())));
        assertEquals("from-default-env", text(NewPassphrase.resolve(false, null, env, stdin, Terminal.none())));
        assertEquals("typed", text(NewPassphrase.resolve(false, null, Map.of(), stdin, new Typing("typed", "typed"))));
        var e = assertThrows(KimenException.class, () -> NewPassphrase.resolve(false, "UNSET", env, stdin, Terminal.none()));
        assertEquals(Reason.MISSING_PASSPHRASE, e.reason());
    }
}
