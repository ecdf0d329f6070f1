package dev.kimen.vault.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import dev.kimen.crypto.Aead;
import dev.kimen.crypto.SecretBytes;
import dev.kimen.vault.SecretMeta;
import dev.kimen.vault.TestVaults;
import dev.kimen.vault.Vault;
import dev.kimen.vault.VaultKey;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VaultCodecTest {
    static final byte[] BINARY = {0, 1, '\n', '\t', (byte) 0xff, (byte) 0x80, 0};

    @Test
    void plaintextIsBase64NameTabBase64ValueLines() {
        try (var v = new Vault()) {
            v.put("b", SecretBytes.ofUtf8("2"));
            v.put("a", SecretBytes.ofUtf8("1"));
            assertEquals("YQ==\tMQ==\nYg==\tMg==\n",
                    new String(VaultCodec.encodePlaintext(v), StandardCharsets.US_ASCII));
        }
    }

    @Test
    void sealThenOpenIsTheIdentity() {
        try (var key = VaultKey.derive(SecretBytes.ofUtf8("pw"), TestVaults.CHEAP, Aead.randomBytes(16));
             var v = new Vault()) {
            v.put("bin", SecretBytes.adopt(BINARY.clone()));
            v.put("empty", SecretBytes.adopt(new byte[0]));
            v.put("ünï", SecretBytes.ofUtf8("värde ✓"));
            VaultFile file = VaultFile.parse(VaultCodec.seal(v, key).toBytes());
            try (Vault back = VaultCodec.open(file, key)) {
                assertEquals(v.names(), back.names());
                assertArrayEquals(BINARY, back.get("bin").reveal());
                assertEquals(0, back.get("empty").length());
                assertEquals("värde ✓", TestVaults.value(back, "ünï"));
            }
        }
    }

    @Test
    void plaintextWithoutFinalNewlineFromOtherWritersOpens() {
        try (Vault v = VaultCodec.decodePlaintext("YQ==\tMQ==".getBytes(StandardCharsets.US_ASCII), false)) {
            assertEquals("1", TestVaults.value(v, "a"));
        }
    }

    @Test
    void malformedPlaintextIsInvalidVaultFile() {
        for (String bad : new String[] {"YQ==MQ==\n", "Y!==\tMQ==\n", "YQ==\tM!==\n"}) {
            var e = assertThrows(KimenException.class,
                    () -> VaultCodec.decodePlaintext(bad.getBytes(StandardCharsets.US_ASCII), false), bad);
            assertEquals(Reason.INVALID_VAULT_FILE, e.reason());
        }
    }

    /** An upstream vault may hold names that are not UTF-8 (DESIGN §2): it opens, and writes them back byte for byte. */
    @Test
    void aNameThatIsNotUtf8OpensAndIsWrittenBackAsItWas() {
        byte[] plain = "Y2Fm6Q==\tMg==\n/w==\tMQ==\n".getBytes(StandardCharsets.US_ASCII); // "caf" 0xe9; 0xff
        try (Vault v = VaultCodec.decodePlaintext(plain, false)) {
            assertEquals(java.util.List.of("caf\\xe9", "\\xff"), v.names().stream().map(dev.kimen.text.Utf8::show).toList());
            assertEquals("2", TestVaults.value(v, "caf\\xe9"), "found by the name as shown");
            org.junit.jupiter.api.Assertions.assertArrayEquals(plain, VaultCodec.encodePlaintext(v));
        }
    }

    /** kimen-vault/v3 carries metadata; a vault with none is written as v2, which upstream Kimen reads. */
    @Test
    void metadataMakesTheVaultV3AndComesBackWholeUnknownFieldsToo() {
        try (var key = VaultKey.derive(SecretBytes.ofUtf8("pw"), TestVaults.CHEAP, Aead.randomBytes(16));
             var v = new Vault()) {
            v.put("a", SecretBytes.ofUtf8("1"));
            v.put("b", SecretBytes.adopt(BINARY.clone()));
            assertEquals(VaultFile.MAGIC, VaultCodec.seal(v, key).format());

            var about = new SecretMeta(Map.of("expires", "2027-01-31", "owner", "ops ✓")); // owner: a newer kimen's field
            v.setMeta("b", about);
            VaultFile file = VaultFile.parse(VaultCodec.seal(v, key).toBytes());
            assertEquals(VaultFile.MAGIC_V3, file.format());
            try (Vault back = VaultCodec.open(file, key)) {
                assertEquals(about, back.meta("b"));
                assertEquals(LocalDate.of(2027, 1, 31), back.meta("b").expires().orElseThrow());
                assertEquals(SecretMeta.NONE, back.meta("a"));
                assertArrayEquals(BINARY, back.get("b").reveal());

                assertEquals(Map.of("owner", "ops ✓"), back.meta("b").withExpires(null).fields());
            }
            v.setMeta("b", SecretMeta.NONE);
            assertEquals(VaultFile.MAGIC, VaultCodec.seal(v, key).format(), "no metadata left: v2 again");
        }
    }

    @Test
    void metadataFollowsRenamesAndGoesWithTheSecret() {
        try (var v = new Vault()) {
            v.put("a", SecretBytes.ofUtf8("1"));
            v.setMeta("a", SecretMeta.NONE.withExpires(LocalDate.of(2027, 1, 31)));
            v.put("a", SecretBytes.ofUtf8("2"));
            assertEquals("2027-01-31", v.meta("a").fields().get("expires"), "a new value keeps the date");
            v.rename("a", "b");
            assertEquals(SecretMeta.NONE, v.meta("a"));
            assertEquals("2027-01-31", v.meta("b").fields().get("expires"));
            v.remove("b");
            assertFalse(v.hasMeta());
        }
    }

    @Test
    void malformedMetadataIsInvalidVaultFile() {
        String[] bad = {
            "YQ==\tMQ==\t" + b64("not json") + "\n",
            "YQ==\tMQ==\t" + b64("{\"expires\":1}") + "\n",
            "YQ==\tMQ==\t" + b64("{\"expires\":\"31.01.2027\"}") + "\n",
            "YQ==\tMQ==\t!!\n",
        };
        for (String text : bad) {
            var e = assertThrows(KimenException.class,
                    () -> VaultCodec.decodePlaintext(text.getBytes(StandardCharsets.US_ASCII), true), text);
            assertEquals(Reason.INVALID_VAULT_FILE, e.reason(), text);
        }
        String third = "YQ==\tMQ==\t" + b64("{\"expires\":\"2027-01-31\"}") + "\n";
        try (Vault v = VaultCodec.decodePlaintext(third.getBytes(StandardCharsets.US_ASCII), true)) {
            assertEquals("1", TestVaults.value(v, "a"));
        }
        String repeated = third + "YQ==\tMg==\n";
        try (Vault v = VaultCodec.decodePlaintext(repeated.getBytes(StandardCharsets.US_ASCII), true)) {
            assertEquals("2", TestVaults.value(v, "a"), "a repeated name: the last line wins");
            assertEquals(SecretMeta.NONE, v.meta("a"), "its metadata too");
        }
        var e = assertThrows(KimenException.class,
                () -> VaultCodec.decodePlaintext(third.getBytes(StandardCharsets.US_ASCII), false), "v2 has no third field");
        assertEquals(Reason.INVALID_VAULT_FILE, e.reason());
    }

    private static String b64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void wrongKeyIsWrongPassphrase() {
        byte[] salt = Aead.randomBytes(16);
        try (var key = VaultKey.derive(SecretBytes.ofUtf8("pw"), TestVaults.CHEAP, salt);
             var other = VaultKey.derive(SecretBytes.ofUtf8("pW"), TestVaults.CHEAP, salt);
             var v = new Vault()) {
            VaultFile file = VaultCodec.seal(v, key);
            var e = assertThrows(KimenException.class, () -> VaultCodec.open(file, other));
            assertEquals(Reason.WRONG_PASSPHRASE, e.reason());
        }
    }

    @Test
    void headerRulesAreStrict() {
        String good = "kimen-vault/v2\nargon2id 64 1 1\nAAAAAAAAAAAAAAAAAAAAAA==\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n"
                + "AAAAAAAAAAAAAAAAAAAAAA==\n";
        VaultFile.parse(good.getBytes(StandardCharsets.US_ASCII));
        assertEquals(VaultFile.MAGIC_V3, VaultFile.parse(good.replace("v2", "v3").getBytes(StandardCharsets.US_ASCII)).format());
        String[] bad = {
            good.replace("v2", "v4"),
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
