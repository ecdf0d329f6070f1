package dev.kimen.broker;

import java.security.SecureRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a command holds in place of a brokered value: the value's vendor prefix (letters and a
 * {@code -} or {@code _}, at most two such parts: {@code sk-proj-}, {@code ghp_}, {@code xoxb-}),
 * then random letters and digits, as many bytes as the value. The same length keeps a response's
 * Content-Length right when the proxy puts the placeholder back in place of the value; the prefix
 * passes clients that check the shape. Never at least 20 random characters (~119 bits).
 */
public final class Placeholder {
    private static final Pattern PREFIX = Pattern.compile("^(?:[A-Za-z]{1,8}[-_]){1,2}");
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    static final int MIN_RANDOM = 20;

    private Placeholder() {}

    /** A new placeholder for {@code value}: only its prefix and its length in UTF-8 bytes are read. */
    public static String of(String value, SecureRandom random) {
        int bytes = value.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        Matcher m = PREFIX.matcher(value);
        String prefix = m.find() && bytes - m.end() >= MIN_RANDOM ? m.group() : "";
        return prefix + letters(Math.max(bytes - prefix.length(), MIN_RANDOM), random);
    }

    /** {@code length} random letters and digits (the proxy's password is made so too). */
    static String letters(int length, SecureRandom random) {
        var out = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            out.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return out.toString();
    }
}
