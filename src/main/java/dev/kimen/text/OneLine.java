package dev.kimen.text;

/**
 * Text for a terminal line: messages may quote what a file said (a YAML reader's "found …", a
 * map's variable name, a vault's secret name), and an escape sequence from a hostile file must
 * not reach the terminal, where it could move the cursor or change colours.
 */
public final class OneLine {
    private OneLine() {}

    /** {@code s} on one line: line breaks and tabs as spaces, every other control character as '?'. */
    public static String of(String s) {
        return s == null ? "" : Utf8.show(s.replaceAll("[\\n\\r\\t]", " ").replaceAll("\\p{Cc}", "?"));
    }

    /** {@code s} with its line breaks and tabs kept and every other control character as '?' (text of several lines). */
    public static String keepingLines(String s) {
        return Utf8.show(s.replaceAll("[\\p{Cc}&&[^\\n\\t]]", "?"));
    }
}
