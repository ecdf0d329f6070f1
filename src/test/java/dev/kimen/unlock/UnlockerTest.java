package dev.kimen.unlock;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import dev.kimen.crypto.KdfParams;
import dev.kimen.crypto.SecretBytes;
import dev.kimen.term.Terminal;
import dev.kimen.vault.TestVaults;
import dev.kimen.vault.Vault;
import dev.kimen.vault.VaultKey;
import dev.kimen.vault.format.VaultFile;
import dev.kimen.vault.store.VaultStore;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DESIGN §2: the session is asked after the explicit sources and before the configured method and the terminal. */
class UnlockerTest {
    private static final KdfParams PARAMS = TestVaults.CHEAP;
    private static final Path VAULT = Path.of("/home/u/vault.kv");

    /** A session that holds {@code held} (when not null) and records every question it is asked. */
    static final class FakeSession implements SessionKeys {
        record Asked(Path vault, KdfParams params, byte[] salt) {}

        final List<Asked> asked = new ArrayList<>();
        private final VaultKey held;

        FakeSession(VaultKey held) {
            this.held = held;
        }

        @Override
        public Optional<VaultKey> keyFor(Path vault, KdfParams params, byte[] salt) {
            asked.add(new Asked(vault, params, salt.clone()));
            return held != null && held.fits(params, salt) ? Optional.of(held.copy()) : Optional.empty();
        }
    }

    /** A terminal nobody may type into: any prompt fails the test. */
    static final Terminal NO_PROMPT = new Terminal() {
        @Override
        public boolean isTerminal(int fd) {
            return true;
        }

        @Override
        public Optional<SecretBytes> readSecret(String prompt) {
            throw new AssertionError("prompted: " + prompt);
        }
    };

    static UnlockInputs inputs(Map<String, String> env, String cmd, String stdin, SessionKeys session,
                               String configured, Terminal terminal) {
        return new UnlockInputs(env, cmd, stdin != null,
                new ByteArrayInputStream(stdin == null ? new byte[0] : stdin.getBytes(StandardCharsets.UTF_8)),
                Optional.ofNullable(session), Optional.ofNullable(configured).map(UnlockMethod.Command::new), terminal, VAULT);
    }

    static byte[] salt(int fill) {
        byte[] salt = new byte[VaultFile.SALT_BYTES];
        Arrays.fill(salt, (byte) fill);
        return salt;
    }

    static VaultKey sessionKey(byte[] salt) {
        byte[] raw = new byte[32];
        Arrays.fill(raw, (byte) 0x42);
        return VaultKey.of(SecretBytes.adopt(raw), PARAMS, salt);
    }

    static byte[] derived(String passphrase, byte[] salt) {
        try (VaultKey key = VaultKey.derive(SecretBytes.ofUtf8(passphrase), PARAMS, salt)) {
            return key.key().reveal();
        }
    }

    static String catCommand(Path dir, String name, String content) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, content + "\n");
        return "cat " + file;
    }

    @Test
    void aSessionKeyIsUsedWithoutAskingAnything() {
        try (VaultKey held = sessionKey(salt(1))) {
            var session = new FakeSession(held);
            for (Terminal terminal : List.of(Terminal.none(), NO_PROMPT)) {
                try (var unlocker = new Unlocker(inputs(Map.of(), null, null, session, null, terminal));
                     VaultKey key = unlocker.keyFor(VAULT, PARAMS, salt(1))) {
                    assertArrayEquals(held.key().reveal(), key.key().reveal());
                }
            }
            assertEquals(2, session.asked.size());
        }
    }

    @Test
    void theSessionIsAskedForExactlyThisVaultParamsAndSalt() {
        var session = new FakeSession(null);
        var params = new KdfParams(2048, 2, 1);
        try (var unlocker = new Unlocker(inputs(Map.of(), null, null, session, null, Terminal.none()))) {
            assertThrows(KimenException.class, () -> unlocker.keyFor(VAULT, params, salt(9)));
        }
        assertEquals(1, session.asked.size());
        var asked = session.asked.getFirst();
        assertEquals(VAULT, asked.vault());
        assertEquals(params, asked.params());
        assertArrayEquals(salt(9), asked.salt());
    }

    @Test
    void explicitSourcesAreUsedAndTheSessionIsNeverAsked(@TempDir Path tmp) throws Exception {
        try (VaultKey held = sessionKey(salt(1))) {
            var session = new FakeSession(held);
            String cmd = catCommand(tmp, "cmd", "from-cmd");
            var explicit = Map.of(
                    "from-env", inputs(Map.of(PassphraseChain.ENV, "from-env"), null, null, session, null, NO_PROMPT),
                    "from-cmd", inputs(Map.of(), cmd, null, session, null, NO_PROMPT),
                    "from-stdin", inputs(Map.of(), null, "from-stdin\n", session, null, NO_PROMPT));
            explicit.forEach((passphrase, in) -> {
                try (var unlocker = new Unlocker(in); VaultKey key = unlocker.keyFor(VAULT, PARAMS, salt(1))) {
                    assertArrayEquals(derived(passphrase, salt(1)), key.key().reveal(), passphrase);
                }
            });
            assertEquals(List.of(), session.asked);
        }
    }

    @Test
    void passphraseStdinReadEarlyAlsoSkipsTheSession() {
        var session = new FakeSession(sessionKey(salt(1)));
        try (var unlocker = new Unlocker(inputs(Map.of(), null, "early\n", session, null, NO_PROMPT))) {
            unlocker.readStdinNow();
            try (VaultKey key = unlocker.keyFor(VAULT, PARAMS, salt(1))) {
                assertArrayEquals(derived("early", salt(1)), key.key().reveal());
            }
        }
        assertEquals(List.of(), session.asked);
    }

    @Test
    void whenTheSessionHasNoKeyTheConfiguredCommandIsUsed(@TempDir Path tmp) throws Exception {
        var session = new FakeSession(sessionKey(salt(1))); // held for another salt: the file was rekeyed
        String configured = catCommand(tmp, "cfg", "from-config");
        try (var unlocker = new Unlocker(inputs(Map.of(), null, null, session, configured, NO_PROMPT))) {
            try (VaultKey key = unlocker.keyFor(VAULT, PARAMS, salt(2))) {
                assertArrayEquals(derived("from-config", salt(2)), key.key().reveal());
            }
            assertEquals(1, session.asked.size());
            // the passphrase is now known: a second key (another salt) derives from it without asking again
            try (VaultKey key = unlocker.keyFor(VAULT, PARAMS, salt(3))) {
                assertArrayEquals(derived("from-config", salt(3)), key.key().reveal());
            }
            assertEquals(1, session.asked.size());
        }
    }

    @Test
    void withoutSessionDropsTheStep(@TempDir Path tmp) throws Exception {
        var session = new FakeSession(sessionKey(salt(1)));
        String configured = catCommand(tmp, "cfg", "from-config");
        UnlockInputs in = inputs(Map.of(), null, null, session, configured, NO_PROMPT).withoutSession();
        assertTrue(in.session().isEmpty());
        assertEquals(Optional.of(new UnlockMethod.Command(configured)), in.configured());
        assertEquals(VAULT, in.vault());
        try (var unlocker = new Unlocker(in); VaultKey key = unlocker.keyFor(VAULT, PARAMS, salt(1))) {
            assertArrayEquals(derived("from-config", salt(1)), key.key().reveal());
        }
        var nothingElse = inputs(Map.of(), null, null, session, null, Terminal.none()).withoutSession();
        try (var unlocker = new Unlocker(nothingElse)) {
            var e = assertThrows(KimenException.class, () -> unlocker.keyFor(VAULT, PARAMS, salt(1)));
            assertEquals(Reason.MISSING_PASSPHRASE, e.reason());
        }
        assertEquals(List.of(), session.asked);
    }

    // A real vault opened with a session key

    private static final KdfParams VAULT_PARAMS = new KdfParams(1024, 1, 1);

    /** A session holding {@code held} for vaults with the right parameters and salt. */
    static SessionKeys holding(VaultKey held, List<Path> asked) {
        return (vault, params, salt) -> {
            asked.add(vault);
            return held.fits(params, salt) ? Optional.of(held.copy()) : Optional.empty();
        };
    }

    static VaultStore storeWithSession(Path vault, SessionKeys session) {
        var in = new UnlockInputs(Map.of(), null, false, new ByteArrayInputStream(new byte[0]), Optional.of(session),
                Optional.empty(), NO_PROMPT, vault);
        return new VaultStore(vault, new Unlocker(in));
    }

    @Test
    void aSessionKeyOpensARealVaultAndAWriteKeepsItFitting(@TempDir Path tmp) throws Exception {
        Path path = tmp.resolve("vault.kv");
        VaultKey held;
        try (var byPassphrase = new VaultStore(path, () -> SecretBytes.ofUtf8("pw"))) {
            byPassphrase.create(SecretBytes.ofUtf8("pw"), VAULT_PARAMS);
            held = byPassphrase.unlockedKey();
        }
        byte[] saltBefore = new VaultStore(path, () -> {
            throw new AssertionError("no key needed to read the header");
        }).readFile().salt();
        var asked = new ArrayList<Path>();
        try (held; var store = storeWithSession(path, holding(held, asked))) {
            store.update(v -> {
                v.put("token", SecretBytes.ofUtf8("s3cret"));
                return null;
            });
            assertEquals(List.of(path.toRealPath()), asked); // one lookup served the read and the write
            assertArrayEquals(saltBefore, store.readFile().salt());

            try (var again = storeWithSession(path, holding(held, asked)); Vault vault = again.open()) {
                assertEquals("s3cret", TestVaults.value(vault, "token"));
            }
            try (var byPassphrase = new VaultStore(path, () -> SecretBytes.ofUtf8("pw")); Vault vault = byPassphrase.open()) {
                assertEquals("s3cret", TestVaults.value(vault, "token"));
            }
            assertFalse(held.key().isDestroyed()); // the stores closed their copies, not the session's key
        }
    }

    @Test
    void aSessionKeyThatFitsTheHeaderButIsWrongDoesNotOpenTheVault(@TempDir Path tmp) {
        Path path = tmp.resolve("vault.kv");
        try (var byPassphrase = new VaultStore(path, () -> SecretBytes.ofUtf8("pw"))) {
            byPassphrase.create(SecretBytes.ofUtf8("pw"), VAULT_PARAMS);
        }
        VaultFile file = new VaultStore(path, () -> null).readFile();
        byte[] wrong = new byte[32];
        try (VaultKey impostor = VaultKey.of(SecretBytes.adopt(wrong), file.params(), file.salt());
             var store = storeWithSession(path, holding(impostor, new ArrayList<>()))) {
            var e = assertThrows(KimenException.class, store::open);
            assertEquals(Reason.WRONG_PASSPHRASE, e.reason());
        }
    }
}
