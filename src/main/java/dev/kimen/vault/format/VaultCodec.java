package dev.kimen.vault.format;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import dev.kimen.crypto.Aead;
import dev.kimen.crypto.SecretBytes;
import dev.kimen.text.Bytes;
import dev.kimen.text.Utf8;
import com.grack.nanojson.JsonObject;
import com.grack.nanojson.JsonParser;
import com.grack.nanojson.JsonParserException;
import dev.kimen.json.Json;
import dev.kimen.vault.SecretMeta;
import dev.kimen.vault.Vault;
import dev.kimen.vault.VaultKey;
import java.io.ByteArrayOutputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;

/**
 * Seals and opens vault contents (docs/vault-format.md). The plaintext is one line per secret,
 * {@code base64(name) TAB base64(value) LF}; in {@code kimen-vault/v3} a line may end in a third
 * field, {@code TAB base64(JSON object of strings)}, the secret's {@link SecretMeta}. The AAD is the
 * file's first line. A vault is written as v3 only while a secret has metadata, so a vault that
 * never had any stays readable by upstream Kimen.
 */
public final class VaultCodec {
    private VaultCodec() {}

    public static Vault open(VaultFile file, VaultKey key) {
        byte[] plain = Aead.open(key.key(), file.nonce(), file.sealed(), VaultFile.aad(file.format()))
                .orElseThrow(() -> KimenException.of(Reason.WRONG_PASSPHRASE,
                        "wrong passphrase, or the vault file was altered",
                        "check the passphrase source (KIMEN_PASSPHRASE, --passphrase-cmd, --passphrase-stdin)"));
        try {
            return decodePlaintext(plain, file.format().equals(VaultFile.MAGIC_V3));
        } finally {
            Arrays.fill(plain, (byte) 0);
        }
    }

    public static VaultFile seal(Vault vault, VaultKey key) {
        byte[] plain = encodePlaintext(vault);
        try {
            byte[] nonce = Aead.randomBytes(Aead.NONCE_BYTES);
            String format = vault.hasMeta() ? VaultFile.MAGIC_V3 : VaultFile.MAGIC;
            byte[] sealed = Aead.seal(key.key(), nonce, plain, VaultFile.aad(format));
            return new VaultFile(format, key.params(), key.salt(), nonce, sealed);
        } finally {
            Arrays.fill(plain, (byte) 0);
        }
    }

    static byte[] encodePlaintext(Vault vault) {
        var b64 = Base64.getEncoder();
        var out = new ByteArrayOutputStream();
        for (Map.Entry<String, SecretBytes> e : vault.entries().entrySet()) {
            out.writeBytes(b64.encode(Utf8.encodeEscaped(e.getKey())));
            out.write('\t');
            byte[] value = e.getValue().reveal();
            byte[] encoded = b64.encode(value);
            out.writeBytes(encoded);
            Arrays.fill(value, (byte) 0);
            Arrays.fill(encoded, (byte) 0);
            SecretMeta about = vault.meta(e.getKey());
            if (!about.isEmpty()) {
                out.write('\t');
                out.writeBytes(b64.encode(Json.write(about.fields()).getBytes(StandardCharsets.UTF_8)));
            }
            out.write('\n');
        }
        return out.toByteArray();
    }

    /** @param v3 whether lines may carry a third field, the secret's metadata */
    static Vault decodePlaintext(byte[] plain, boolean v3) {
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
            int metaTab = v3 ? Bytes.indexOf(plain, (byte) '\t', tab + 1) : -1;
            int valueEnd = metaTab >= 0 && metaTab < end ? metaTab : end;
            try {
                // an upstream vault may hold names that are not UTF-8: kept, and written back byte for byte
                String name = Utf8.decodeEscaped(b64.decode(Arrays.copyOfRange(plain, start, tab)));
                byte[] encodedValue = Arrays.copyOfRange(plain, tab + 1, valueEnd);
                byte[] value = b64.decode(encodedValue);
                Arrays.fill(encodedValue, (byte) 0);
                if (vault.contains(name)) {
                    vault.setMeta(name, SecretMeta.NONE); // a repeated name: the last line, value and metadata, wins
                }
                vault.put(name, SecretBytes.adopt(value));
                if (valueEnd < end) {
                    vault.setMeta(name, meta(b64.decode(Arrays.copyOfRange(plain, valueEnd + 1, end)), lineNo));
                }
            } catch (IllegalArgumentException | CharacterCodingException e) {
                vault.close();
                throw VaultFile.invalid("entry " + lineNo + " is not base64(name) TAB base64(value)"
                        + (v3 ? " [TAB base64(metadata)]" : ""));
            } catch (KimenException e) {
                vault.close();
                throw e;
            }
            start = end + 1;
        }
        return vault;
    }

    /** A metadata field: a JSON object whose values are all strings. */
    private static SecretMeta meta(byte[] json, int lineNo) throws CharacterCodingException {
        JsonObject object;
        try {
            object = JsonParser.object().from(Json.requireShallow(Utf8.decode(json)));
        } catch (JsonParserException | IllegalArgumentException e) {
            throw VaultFile.invalid("entry " + lineNo + " has metadata that is not a JSON object");
        }
        var fields = new TreeMap<String, String>();
        for (Map.Entry<String, Object> field : object.entrySet()) {
            if (!(field.getValue() instanceof String text)) {
                throw VaultFile.invalid("entry " + lineNo + " has metadata that is not text: " + field.getKey());
            }
            fields.put(field.getKey(), text);
        }
        var about = new SecretMeta(fields);
        if (fields.containsKey("expires") && about.expires().isEmpty()) {
            throw VaultFile.invalid("entry " + lineNo + " has an expiry that is not a date (YYYY-MM-DD)");
        }
        return about;
    }
}
