package dev.kimen.vault.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kimen.KimenException;
import dev.kimen.Permutations;
import dev.kimen.Reason;
import dev.kimen.crypto.SecretBytes;
import dev.kimen.vault.SecretMeta;
import dev.kimen.vault.TestVaults;
import dev.kimen.vault.store.VaultStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
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
        tamperWith(vault, Files.readAllBytes(vault));
    }

    /** The same for kimen-vault/v3, whose entries carry metadata. */
    @Test
    void everyFlippedBitAndEveryTruncationOfAV3VaultIsRefused(@TempDir Path dir) throws Exception {
        Path vault = dir.resolve("vault.kv");
        var store = TestVaults.create(vault, "pw");
        TestVaults.put(store, "name", "value");
        store.update(v -> {
            v.setMeta("name", SecretMeta.NONE.withExpires(LocalDate.of(2027, 1, 31)));
            return null;
        });
        byte[] original = Files.readAllBytes(vault);
        assertTrue(new String(original, StandardCharsets.US_ASCII).startsWith(VaultFile.MAGIC_V3 + "\n"));
        tamperWith(vault, original);
    }

    /**
     * The first line is the AAD: a v3 file relabelled v2 (a reader that would drop the metadata)
     * and a v2 file relabelled v3 both fail authentication.
     */
    @Test
    void swappingTheFormatLineIsRefused(@TempDir Path dir) throws Exception {
        Path vault = dir.resolve("vault.kv");
        var store = TestVaults.create(vault, "pw");
        TestVaults.put(store, "name", "value");
        String v2 = Files.readString(vault, StandardCharsets.US_ASCII);
        assertRefused(vault, v2.replace(VaultFile.MAGIC, VaultFile.MAGIC_V3).getBytes(StandardCharsets.US_ASCII), "v2 as v3");
        Files.writeString(vault, v2, StandardCharsets.US_ASCII);
        store.update(v -> {
            v.setMeta("name", SecretMeta.NONE.withExpires(LocalDate.of(2027, 1, 31)));
            return null;
        });
        String v3 = Files.readString(vault, StandardCharsets.US_ASCII);
        var e = assertThrows(KimenException.class, () -> {
            Files.writeString(vault, v3.replace(VaultFile.MAGIC_V3, VaultFile.MAGIC), StandardCharsets.US_ASCII);
            new VaultStore(vault, () -> SecretBytes.ofUtf8("pw")).open();
        });
        assertEquals(Reason.WRONG_PASSPHRASE, e.reason(), "v3 as v2");
        assertRefused(vault, v3.replace(VaultFile.MAGIC_V3, VaultFile.MAGIC).getBytes(StandardCharsets.US_ASCII), "v3 as v2");
    }

    /** Every other order of the file's lines (header lines swapped, ciphertext moved) is refused. */
    @Test
    void everyReorderingOfTheLinesIsRefused(@TempDir Path dir) throws Exception {
        Path vault = dir.resolve("vault.kv");
        var store = TestVaults.create(vault, "pw");
        TestVaults.put(store, "name", "value");
        List<String> lines = Files.readString(vault, StandardCharsets.US_ASCII).lines().toList();
        int[] tried = {0};
        Permutations.each(lines, order -> {
            if (!order.equals(lines)) {
                assertRefused(vault, (String.join("\n", order) + "\n").getBytes(StandardCharsets.US_ASCII), "order " + order);
                tried[0]++;
            }
        });
        assertEquals(119, tried[0], "5 lines: 5! - 1 other orders");
    }

    private static void tamperWith(Path vault, byte[] original) throws Exception {

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
