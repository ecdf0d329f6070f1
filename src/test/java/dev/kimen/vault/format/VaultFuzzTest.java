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

    /** The strict base64 check looks at the last quantum only; it must accept exactly what re-encoding the whole line does. */
    @Property
    void theCanonicalBase64CheckAgreesWithReencoding(@ForAll("base64ish") String line) {
        byte[] decoded;
        try {
            decoded = java.util.Base64.getDecoder().decode(line);
        } catch (IllegalArgumentException rejected) {
            return; // the decoder's own refusal comes first
        }
        org.junit.jupiter.api.Assertions.assertEquals(
                java.util.Base64.getEncoder().encodeToString(decoded).equals(line), VaultFile.canonical(line, decoded), line);
    }

    @Provide
    Arbitrary<String> base64ish() {
        var chars = net.jqwik.api.Arbitraries.strings().withChars("AQgwBCDEFabcz0189+/=").ofMaxLength(14);
        var encoded = net.jqwik.api.Arbitraries.bytes().array(byte[].class).ofMaxSize(10)
                .map(b -> java.util.Base64.getEncoder().encodeToString(b));
        return net.jqwik.api.Arbitraries.oneOf(chars, encoded, encoded.map(e -> e.replace("=", "")),
                encoded.filter(e -> !e.isEmpty()).map(e -> e.substring(0, e.length() - 1) + (e.endsWith("=") ? "A" : "B")));
    }
}
