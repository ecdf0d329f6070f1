package dev.kimen.vault.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import dev.kimen.crypto.Aead;
import dev.kimen.crypto.SecretBytes;
import dev.kimen.vault.TestVaults;
import dev.kimen.vault.Vault;
import dev.kimen.vault.VaultKey;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class V2CodecTest {
    static final byte[] BINARY = {0, 1, '\n', '\t', (byte) 0xff, (byte) 0x80, 0};

    @Test
    void plaintextIsBase64NameTabBase64ValueLines() {
        try (var v = new Vault()) {
            v.put("b", SecretBytes.ofUtf8("2"));
            v.put("a", SecretBytes.ofUtf8("1"));
            assertEquals("YQ==\tMQ==\nYg==\tMg==\n",
                    new String(V2Codec.encodePlaintext(v), StandardCharsets.US_ASCII));
        }
    }

    @Test
    void sealThenOpenIsTheIdentity() {
        try (var key = VaultKey.derive(SecretBytes.ofUtf8("pw"), TestVaults.CHEAP, Aead.randomBytes(16));
             var v = new Vault()) {
            v.put("bin", SecretBytes.adopt(BINARY.clone()));
            v.put("empty", SecretBytes.adopt(new byte[0]));
            v.put("ünï", SecretBytes.ofUtf8("värde ✓"));
            VaultFile file = VaultFile.parse(V2Codec.seal(v, key).toBytes());
            try (Vault back = V2Codec.open(file, key)) {
                assertEquals(v.names(), back.names());
                assertArrayEquals(BINARY, back.get("bin").reveal());
                assertEquals(0, back.get("empty").length());
                assertEquals("värde ✓", TestVaults.value(back, "ünï"));
            }
        }
    }

    @Test
    void plaintextWithoutFinalNewlineFromOtherWritersOpens() {
        try (Vault v = V2Codec.decodePlaintext("YQ==\tMQ==".getBytes(StandardCharsets.US_ASCII))) {
            assertEquals("1", TestVaults.value(v, "a"));
        }
    }

    @Test
    void malformedPlaintextIsInvalidVaultFile() {
        for (String bad : new String[] {"YQ==MQ==\n", "Y!==\tMQ==\n", "YQ==\tM!==\n", "/w==\tMQ==\n"}) {
            var e = assertThrows(KimenException.class,
                    () -> V2Codec.decodePlaintext(bad.getBytes(StandardCharsets.US_ASCII)), bad);
            assertEquals(Reason.INVALID_VAULT_FILE, e.reason());
        }
    }

    @Test
    void wrongKeyIsWrongPassphrase() {
        byte[] salt = Aead.randomBytes(16);
        try (var key = VaultKey.derive(SecretBytes.ofUtf8("pw"), TestVaults.CHEAP, salt);
             var other = VaultKey.derive(SecretBytes.ofUtf8("pW"), TestVaults.CHEAP, salt);
             var v = new Vault()) {
            VaultFile file = V2Codec.seal(v, key);
            var e = assertThrows(KimenException.class, () -> V2Codec.open(file, other));
            assertEquals(Reason.WRONG_PASSPHRASE, e.reason());
        }
    }

    @Test
    void headerRulesAreStrict() {
        String good = "kimen-vault/v2\nargon2id 64 1 1\nAAAAAAAAAAAAAAAAAAAAAA==\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n"
                + "AAAAAAAAAAAAAAAAAAAAAA==\n";
        VaultFile.parse(good.getBytes(StandardCharsets.US_ASCII));
        String[] bad = {
            good.replace("v2", "v3"),
            good.replace("argon2id", "argon2i"),
            good.replace("64 1 1", "64 1"),
            good.replace("64 1 1", "4 1 1"),          // below Argon2's minimum for p=1
            good.replace("64 1 1", "64 0 1"),
            good.replace("64 1 1", "99999999 1 1"),   // above our memory bound
            good.replace("64 1 1", "64 +1 1"),
            good.replace("AAAAAAAAAAAAAAAAAAAAAA==\nAAAA", "AAAAAAAAAAAAAAAAAAAA\nAAAA"),
            good.replace("\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n", "\nAAAA\n"),
            good + "extra\n",
            good.replace("\n", "\r\n"),
            "",
        };
        for (String b : bad) {
            var e = assertThrows(KimenException.class, () -> VaultFile.parse(b.getBytes(StandardCharsets.US_ASCII)), b);
            assertEquals(Reason.INVALID_VAULT_FILE, e.reason(), b);
        }
    }
}
