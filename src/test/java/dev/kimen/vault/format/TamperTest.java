package dev.kimen.vault.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import dev.kimen.crypto.SecretBytes;
import dev.kimen.vault.TestVaults;
import dev.kimen.vault.store.VaultStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tries to break the authenticated format: every flipped bit and every truncation of a real vault
 * file must be refused with a specific reason, by a read and by a write, and leave the file as it was.
 */
class TamperTest {
    static final Set<Reason> EXPECTED = Set.of(Reason.INVALID_VAULT_FILE, Reason.WRONG_PASSPHRASE);

    @Test
    void everyFlippedBitAndEveryTruncationIsRefused(@TempDir Path dir) throws Exception {
        Path vault = dir.resolve("vault.kv");
        var store = TestVaults.create(vault, "pw");
        TestVaults.put(store, "name", "value");
        byte[] original = Files.readAllBytes(vault);

        for (int bit = 0; bit < original.length * 8; bit++) {
            byte[] bad = original.clone();
            bad[bit / 8] ^= (byte) (1 << (bit % 8));
            assertRefused(vault, bad, "bit " + bit);
        }
        for (int len = 0; len < original.length - 1; len++) { // dropping only the final LF is allowed
            assertRefused(vault, java.util.Arrays.copyOf(original, len), "length " + len);
        }
    }

    private static void assertRefused(Path vault, byte[] bad, String what) throws Exception {
        Files.write(vault, bad);
        var store = new VaultStore(vault, () -> SecretBytes.ofUtf8("pw"));
        var read = assertThrows(KimenException.class, store::open, what);
        assertTrue(EXPECTED.contains(read.reason()), what + ": " + read.reason());
        var write = assertThrows(KimenException.class, () -> store.update(v -> {
            v.put("x", SecretBytes.ofUtf8("y"));
            return null;
        }), what);
        assertTrue(EXPECTED.contains(write.reason()), what + ": " + write.reason());
        assertArrayEquals(bad, Files.readAllBytes(vault), what + ": file changed");
    }
}
