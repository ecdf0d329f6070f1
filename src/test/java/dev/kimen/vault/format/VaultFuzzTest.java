package dev.kimen.vault.format;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kimen.Fuzz;
import dev.kimen.crypto.KdfParams;
import dev.kimen.crypto.SecretBytes;
import dev.kimen.vault.Vault;
import dev.kimen.vault.VaultKey;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Fuzzes the vault file (v2, v3: also the sync baseline's form) and its plaintext: a vault, or
 * invalid_vault_file / wrong_passphrase. The seeds are real vaults of the passphrase "fuzz".
 */
class VaultFuzzTest {
    private static final KdfParams SEED_PARAMS = new KdfParams(64, 1, 1);

    @Property
    void anyFileParsesAndOpensOrFailsCleanly(@ForAll("files") byte[] input) throws Exception {
        Fuzz.cleanly(() -> {
            VaultFile file = VaultFile.parse(input);
            // only the seeds' cheap parameters: a header may ask for gigabytes, which is its own check
            if (file.params().equals(SEED_PARAMS)) {
                try (var key = VaultKey.derive(SecretBytes.ofUtf8("fuzz"), file.params(), file.salt());
                     Vault v = VaultCodec.open(file, key)) {
                    v.names();
                }
            }
        });
    }

    @Property
    void anyPlaintextDecodesOrFailsCleanly(@ForAll("plaintexts") byte[] input) throws Exception {
        Fuzz.cleanly(() -> VaultCodec.decodePlaintext(input, false).close());
        Fuzz.cleanly(() -> VaultCodec.decodePlaintext(input, true).close());
    }

    @Provide
    Arbitrary<byte[]> files() {
        return Fuzz.inputs("vault");
    }

    @Provide
    Arbitrary<byte[]> plaintexts() {
        return Fuzz.inputs("plaintext");
    }

    @Example
    void theSeedsOpen() {
        for (byte[] seed : Fuzz.seeds("vault")) {
            VaultFile file = VaultFile.parse(seed);
            try (var key = VaultKey.derive(SecretBytes.ofUtf8("fuzz"), file.params(), file.salt());
                 Vault v = VaultCodec.open(file, key)) {
                assertEquals(2, v.size());
            }
        }
        Fuzz.seeds("plaintext").forEach(seed -> VaultCodec.decodePlaintext(seed, true).close());
    }
}
