package dev.kimen.text;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Strict UTF-8: malformed input is an error, never a silent U+FFFD. */
public final class Utf8 {
    private Utf8() {}

    public static String decode(byte[] bytes) throws CharacterCodingException {
        if (isAscii(bytes)) { // ASCII is valid UTF-8 as it is: no decoder to set up (a vault decodes a name per secret)
            return new String(bytes, StandardCharsets.US_ASCII);
        }
        return StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes)).toString();
    }

    /**
     * UTF-8 as far as it is valid, each other byte kept as a lone surrogate U+DC80..U+DCFF (what
     * Python calls "surrogateescape"): an upstream vault may hold names that are not UTF-8, and
     * they must open, list and be written back byte for byte ({@link #encodeEscaped}). A strict
     * decode never yields a lone surrogate, so the two cannot be confused.
     */
    public static String decodeEscaped(byte[] bytes) {
        try {
            return decode(bytes);
        } catch (CharacterCodingException e) {
            var decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT);
            ByteBuffer in = ByteBuffer.wrap(bytes);
            java.nio.CharBuffer out = java.nio.CharBuffer.allocate(bytes.length);
            while (true) {
                java.nio.charset.CoderResult r = decoder.decode(in, out, true);
                if (r.isUnderflow()) {
                    break;
                }
                for (int i = 0; i < r.length(); i++) {
                    out.put((char) (0xDC00 | (in.get() & 0xFF)));
                }
            }
            decoder.flush(out);
            return out.flip().toString();
        }
    }

    /** The bytes {@link #decodeEscaped} read: UTF-8, with each lone U+DC80..U+DCFF back as its byte. */
    public static byte[] encodeEscaped(String s) {
        var out = new java.io.ByteArrayOutputStream(s.length());
        s.codePoints().forEach(cp -> {
            if (cp >= 0xDC80 && cp <= 0xDCFF) { // unpaired: a paired surrogate is one supplementary code point
                out.write(cp & 0xFF);
            } else {
                out.writeBytes(Character.toString(cp).getBytes(StandardCharsets.UTF_8));
            }
        });
        return out.toByteArray();
    }

    private static final java.util.regex.Pattern ESCAPED = java.util.regex.Pattern.compile("[\\x{DC80}-\\x{DCFF}]");
    private static final java.util.regex.Pattern SHOWN = java.util.regex.Pattern.compile("\\\\x([89a-fA-F][0-9a-fA-F])");

    /** Whether {@code s} holds a byte that was not UTF-8 ({@link #decodeEscaped}). */
    public static boolean hasEscapes(String s) {
        return ESCAPED.matcher(s).find();
    }

    /** {@code s} for people: each byte that was not UTF-8 as {@code \xNN}. */
    public static String show(String s) {
        return showIn(s, "\\x");
    }

    /** {@code s} with each byte that was not UTF-8 as {@code prefix} and its two hex digits. */
    public static String showIn(String s, String prefix) {
        if (!hasEscapes(s)) {
            return s;
        }
        return ESCAPED.matcher(s).replaceAll(m -> java.util.regex.Matcher.quoteReplacement(
                prefix + String.format("%02x", m.group().charAt(0) & 0xFF)));
    }

    /** What {@link #show} showed, back: each {@code \xNN} of a byte 0x80-0xFF as the name holds it. */
    public static String unshow(String s) {
        return SHOWN.matcher(s).replaceAll(m -> java.util.regex.Matcher.quoteReplacement(
                String.valueOf((char) (0xDC00 | Integer.parseInt(m.group(1), 16)))));
    }

    private static boolean isAscii(byte[] bytes) {
        for (byte b : bytes) {
            if (b < 0) {
                return false;
            }
        }
        return true;
    }

    public static boolean isValid(byte[] bytes) {
        try {
            decode(bytes);
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }
}
