package dev.kimen.vault;

import dev.kimen.KimenException;
import dev.kimen.Reason;

/**
 * Rules for names kimen writes: non-empty UTF-8 without whitespace or control characters.
 * Vaults written elsewhere may hold other names; they still open and list, and can be removed.
 */
public final class SecretName {
    private SecretName() {}

    public static String check(String name) {
        if (name == null || name.isEmpty()) {
            throw KimenException.of(Reason.USAGE, "secret name is empty");
        }
        for (int i = 0; i < name.length(); ) {
            int cp = name.codePointAt(i);
            if (Character.isWhitespace(cp) || Character.isSpaceChar(cp) || Character.isISOControl(cp)
                    || Character.getType(cp) == Character.FORMAT || Character.isSurrogate(name.charAt(i))
                    && !Character.isSupplementaryCodePoint(cp)) {
                throw KimenException.of(Reason.USAGE, "secret name " + visible(name)
                        + " contains whitespace or a control character",
                        "use letters, digits and punctuation, e.g. prod.database_url");
            }
            i += Character.charCount(cp);
        }
        return name;
    }

    /** The name with control characters escaped, safe to print on one line. */
    public static String visible(String name) {
        var out = new StringBuilder("\"");
        name.codePoints().forEach(cp -> {
            if (Character.isISOControl(cp) || Character.getType(cp) == Character.FORMAT) {
                out.append(String.format("\\u%04x", cp));
            } else {
                out.appendCodePoint(cp);
            }
        });
        return out.append('"').toString();
    }
}
