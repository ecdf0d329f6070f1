package dev.kimen.bundle;

import com.grack.nanojson.JsonObject;
import com.grack.nanojson.JsonParser;
import com.grack.nanojson.JsonParserException;
import dev.kimen.crypto.SecretBytes;
import dev.kimen.json.Json;
import dev.kimen.text.Utf8;
import dev.kimen.vault.Vault;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a bundle holds once decrypted (docs/bundle-format.md): one UTF-8 JSON object,
 * {@code {"format":"kimen-bundle/v1","secrets":{"<name>":"<base64 of the value>",…}}}, names in
 * sorted order, values standard padded base64 (values are bytes). An operator can read a bundle
 * with {@code age -d -i key.txt vault.age | jq}.
 *
 * <p>JSON through nanojson means the base64 text of each value passes through {@code String}s,
 * which cannot be cleared (listed in the threat model); the decoded values are {@link SecretBytes}.
 */
final class BundlePlaintext {
    static final String FORMAT = "kimen-bundle/v1";

    private BundlePlaintext() {}

    static byte[] write(Vault vault) {
        return write(vault, Map.of());
    }

    /** With {@code extra} top-level string fields beside format and secrets (readers ignore them). */
    static byte[] write(Vault vault, Map<String, String> extra) {
        var secrets = new LinkedHashMap<String, Object>();
        vault.entries().forEach((name, value) -> {
            byte[] raw = value.reveal();
            secrets.put(name, Base64.getEncoder().encodeToString(raw));
            java.util.Arrays.fill(raw, (byte) 0);
        });
        var root = Json.object("format", FORMAT);
        root.putAll(extra);
        root.put("secrets", secrets);
        return (Json.write(root) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** Parses a bundle's plaintext into a vault; anything but the format above is {@code invalid_bundle}. */
    static Vault read(byte[] plaintext) {
        return read(plaintext, new LinkedHashMap<>());
    }

    /** Also copies the other top-level string fields into {@code extra}. */
    static Vault read(byte[] plaintext, Map<String, String> extra) {
        JsonObject root;
        try {
            root = JsonParser.object().from(Json.requireShallow(Utf8.decode(plaintext)));
        } catch (CharacterCodingException | JsonParserException e) {
            throw AgeFile.invalid("it decrypted, but what it holds is not a kimen bundle (not JSON)");
        } catch (IllegalArgumentException e) {
            throw AgeFile.invalid("it decrypted, but what it holds is not a kimen bundle (JSON " + e.getMessage() + ")");
        }
        Object format = root.get("format");
        if (!FORMAT.equals(format)) {
            throw AgeFile.invalid("it decrypted, but what it holds is not a " + FORMAT + " bundle"
                    + (format instanceof String f && f.startsWith("kimen-bundle/") ? " (it says " + f + "; a newer kimen?)" : ""));
        }
        if (!(root.get("secrets") instanceof JsonObject secrets)) {
            throw AgeFile.invalid("its \"secrets\" is missing or not an object");
        }
        root.forEach((key, value) -> {
            if (!key.equals("format") && !key.equals("secrets") && value instanceof String text) {
                extra.put(key, text);
            }
        });
        var vault = new Vault();
        try {
            for (Map.Entry<String, Object> e : secrets.entrySet()) {
                if (e.getKey().isEmpty()) {
                    throw AgeFile.invalid("it holds a secret with an empty name");
                }
                if (!(e.getValue() instanceof String text)) {
                    throw AgeFile.invalid("the value of a secret is not a base64 string");
                }
                byte[] value;
                try {
                    value = Base64.getDecoder().decode(text);
                } catch (IllegalArgumentException bad) {
                    throw AgeFile.invalid("the value of a secret is not valid base64");
                }
                if (!Base64.getEncoder().encodeToString(value).equals(text)) {
                    throw AgeFile.invalid("the value of a secret is not canonical base64");
                }
                vault.put(e.getKey(), SecretBytes.adopt(value));
            }
            return vault;
        } catch (RuntimeException e) {
            vault.close();
            throw e;
        }
    }
}
