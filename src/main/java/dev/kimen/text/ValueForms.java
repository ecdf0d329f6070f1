package dev.kimen.text;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The shapes a secret value takes when it leaks: as it is, in base64 (standard and URL-safe,
 * unpadded, so it is also found inside a longer padded one) and URL-encoded. Each form is given as
 * an ISO-8859-1 string, one char per byte, so {@link String#indexOf} searches bytes.
 */
public final class ValueForms {
    private ValueForms() {}

    /** Form text to its name (raw, base64, base64url, url), one entry per distinct text. */
    public static Map<String, String> of(byte[] value) {
        var forms = new LinkedHashMap<String, String>();
        forms.putIfAbsent(latin1(value), "raw");
        forms.putIfAbsent(Base64.getEncoder().withoutPadding().encodeToString(value), "base64");
        forms.putIfAbsent(Base64.getUrlEncoder().withoutPadding().encodeToString(value), "base64url");
        forms.putIfAbsent(URLEncoder.encode(new String(value, StandardCharsets.UTF_8), StandardCharsets.UTF_8), "url");
        return forms;
    }

    /** The bytes as a string of the same length, char i being byte i. */
    public static String latin1(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }
}
