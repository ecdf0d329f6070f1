package dev.kimen.json;

import com.grack.nanojson.JsonWriter;
import java.util.LinkedHashMap;
import java.util.Map;

/** JSON output through nanojson: small, no reflection, cheap to load (start-up is a budget). */
public final class Json {
    private Json() {}

    /** An ordered object from alternating keys and values. */
    public static Map<String, Object> object(Object... keysAndValues) {
        var map = new LinkedHashMap<String, Object>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    /** The deepest nesting of objects and arrays kimen reads; its own files nest 3 levels at most. */
    public static final int MAX_DEPTH = 64;

    /**
     * Refuses JSON nested deeper than {@link #MAX_DEPTH} before nanojson reads it: its parser
     * recurses, and 20 000 {@code [} end in a StackOverflowError (measured with nanojson 1.10).
     *
     * @throws IllegalArgumentException when it is nested deeper
     */
    public static String requireShallow(String text) {
        int depth = 0;
        boolean inString = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '[' || c == '{') {
                if (++depth > MAX_DEPTH) {
                    throw new IllegalArgumentException("nested deeper than " + MAX_DEPTH + " levels");
                }
            } else if (c == ']' || c == '}') {
                depth--;
            }
        }
        return text;
    }

    /** One line of JSON. Values may be strings, numbers, booleans, null, maps and collections. */
    public static String write(Map<String, ?> object) {
        String text = JsonWriter.string().object(object).done();
        // A name from an upstream vault that is not UTF-8 holds lone surrogates (Utf8.decodeEscaped),
        // which no JSON reader could take: written as the text people see, \xNN.
        return dev.kimen.text.Utf8.showIn(text, "\\\\x");
    }
}
