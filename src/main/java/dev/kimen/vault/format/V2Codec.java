package dev.kimen.vault.format;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import dev.kimen.crypto.Aead;
import dev.kimen.crypto.SecretBytes;
import dev.kimen.text.Bytes;
import dev.kimen.text.Utf8;
import dev.kimen.vault.Vault;
import dev.kimen.vault.VaultKey;
import java.io.ByteArrayOutputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;

/**
 * Seals and opens {@code kimen-vault/v2} contents. The plaintext is one line per secret,
 * {@code base64(name) TAB base64(value) LF}; the AAD is the ASCII bytes {@code kimen-vault/v2}.
 */
public final class V2Codec {
    private V2Codec() {}

    public static Vault open(VaultFile file, VaultKey key) {
        byte[] plain = Aead.open(key.key(), file.nonce(), file.sealed(), VaultFile.AAD)
                .orElseThrow(() -> KimenException.of(Reason.WRONG_PASSPHRASE,
                        "wrong passphrase, or the vault file was altered",
                        "check the passphrase source (KIMEN_PASSPHRASE, --passphrase-cmd, --passphrase-stdin)"));
        try {
            return decodePlaintext(plain);
        } finally {
            Arrays.fill(plain, (byte) 0);
        }
    }

    public static VaultFile seal(Vault vault, VaultKey key) {
        byte[] plain = encodePlaintext(vault);
        try {
            byte[] nonce = Aead.randomBytes(Aead.NONCE_BYTES);
            byte[] sealed = Aead.seal(key.key(), nonce, plain, VaultFile.AAD);
            return new VaultFile(key.params(), key.salt(), nonce, sealed);
        } finally {
            Arrays.fill(plain, (byte) 0);
        }
    }

    static byte[] encodePlaintext(Vault vault) {
        var b64 = Base64.getEncoder();
        var out = new ByteArrayOutputStream();
        for (Map.Entry<String, SecretBytes> e : vault.entries().entrySet()) {
            out.writeBytes(b64.encode(e.getKey().getBytes(StandardCharsets.UTF_8)));
            out.write('\t');
            byte[] value = e.getValue().reveal();
            byte[] encoded = b64.encode(value);
            out.writeBytes(encoded);
            Arrays.fill(value, (byte) 0);
            Arrays.fill(encoded, (byte) 0);
            out.write('\n');
        }
        return out.toByteArray();
    }

    static Vault decodePlaintext(byte[] plain) {
        var vault = new Vault();
        var b64 = Base64.getDecoder();
        int lineNo = 0;
        int start = 0;
        while (start < plain.length) {
            lineNo++;
            int end = Bytes.indexOf(plain, (byte) '\n', start);
            if (end < 0) {
                end = plain.length; // tolerate a missing final LF from other writers
            }
            int tab = Bytes.indexOf(plain, (byte) '\t', start);
            if (tab < 0 || tab > end) {
                vault.close();
                throw VaultFile.invalid("entry " + lineNo + " has no TAB separator");
            }
            try {
                String name = Utf8.decode(b64.decode(Arrays.copyOfRange(plain, start, tab)));
                byte[] encodedValue = Arrays.copyOfRange(plain, tab + 1, end);
                byte[] value = b64.decode(encodedValue);
                Arrays.fill(encodedValue, (byte) 0);
                vault.put(name, SecretBytes.adopt(value));
            } catch (IllegalArgumentException | CharacterCodingException e) {
                vault.close();
                throw VaultFile.invalid("entry " + lineNo + " is not base64(UTF-8 name) TAB base64(value)");
            }
            start = end + 1;
        }
        return vault;
    }
}
