package dev.kimen.vault.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kimen.crypto.KdfParams;
import dev.kimen.crypto.SecretBytes;
import dev.kimen.vault.Vault;
import dev.kimen.vault.store.VaultStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A kimen-vault/v2 file written by an independent implementation, vendored with its provenance
 * (src/test/resources/dev/kimen/vault/format/upstream-v2/README.md) so a lone clone passes.
 */
class UpstreamFixtureTest {
    static final Path FIXTURE = Path.of("src/test/resources/dev/kimen/vault/format/upstream-v2/upstream.kv");
    static final String PASSPHRASE = "correct horse battery staple";
    /** The fixture as it was written upstream: a changed copy would prove nothing. */
    static final String SHA256 = "0a16e4bd3e0801e4c969e7ea28646955541d267572d2f53155a316d402d90f3d";

    @Test
    void theVendoredCopyIsTheUpstreamFile() throws Exception {
        byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(FIXTURE));
        assertEquals(SHA256, java.util.HexFormat.of().formatHex(digest));
    }

    @Test
    void opensWithAllFourValuesByteForByte() {
        var store = new VaultStore(FIXTURE, () -> SecretBytes.ofUtf8(PASSPHRASE));
        assertEquals(KdfParams.DEFAULT, store.readFile().params());
        try (Vault v = store.open()) {
            assertEquals(List.of("multi.line", "prod.database_url", "service_api_token", "unicode.näme"), v.names());
            assertArrayEquals(utf8("postgres://app:s3cr3t@db.internal:5432/app"), v.get("prod.database_url").reveal());
            assertArrayEquals(utf8("tok_9f8e7d6c"), v.get("service_api_token").reveal());
            assertArrayEquals(new byte[] {'f', 'i', 'r', 's', 't', '\n', 's', 'e', 'c', 'o', 'n', 'd'},
                    v.get("multi.line").reveal());
            assertArrayEquals(new byte[] {'v', (byte) 0xc3, (byte) 0xa4, 'r', 'd', 'e', ' ',
                    (byte) 0xe2, (byte) 0x9c, (byte) 0x93}, v.get("unicode.näme").reveal());
        }
    }

    @Test
    void ourRewriteIsStillPlainV2(@TempDir Path dir) throws Exception {
        Path copy = dir.resolve("upstream.kv");
        Files.copy(FIXTURE, copy);
        var store = new VaultStore(copy, () -> SecretBytes.ofUtf8(PASSPHRASE));
        store.update(v -> {
            v.put("added", SecretBytes.ofUtf8("x"));
            return null;
        });
        List<String> lines = Files.readAllLines(copy, StandardCharsets.US_ASCII);
        assertEquals(VaultFile.MAGIC, lines.get(0));
        assertEquals("argon2id 65536 3 4", lines.get(1));
        assertEquals(Files.readAllLines(FIXTURE).get(2), lines.get(2), "a write keeps the salt");
        try (Vault v = new VaultStore(copy, () -> SecretBytes.ofUtf8(PASSPHRASE)).open()) {
            assertEquals(5, v.size());
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
