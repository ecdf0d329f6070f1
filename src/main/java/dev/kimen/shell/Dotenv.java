package dev.kimen.shell;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads a {@code .env} file the way POSIX {@code sh} reads its assignments under
 * {@code set -a; . FILE}: single quotes, double quotes, backslashes and line continuations, with
 * {@code #} comments and an optional {@code export}. Nothing is expanded or run: anything sh
 * would expand or run ({@code $}, backticks, a leading {@code ~}, {@code ;}, a second word...) is
 * refused rather than read differently from sh. Written by hand because dotenv libraries follow
 * Ruby dotenv's rules, which do not read the POSIX quoting that {@code kimen envfile --format
 * dotenv} writes, and they expand {@code $VAR}.
 */
public final class Dotenv {
    private static final String CR = "has a carriage return outside quotes, which sh would keep"
            + " (is this a CRLF file?)";

    private final String text;
    private final String origin;
    private int pos;
    private int line = 1;

    private Dotenv(String text, String origin) {
        this.text = text;
        this.origin = origin;
    }

    /**
     * Parses {@code .env} text into NAME to value, in file order; a name given twice keeps the
     * later value. {@code origin} names the file in errors, which never show any part of a value.
     *
     * @throws KimenException with {@link Reason#INVALID_CONFIG} for anything sh would read
     *     differently, or not at all
     */
    public static Map<String, String> parse(String text, String origin) {
        var reader = new Dotenv(text, origin);
        int nul = text.indexOf('\0');
        if (nul >= 0) {
            reader.line = (int) text.substring(0, nul).chars().filter(c -> c == '\n').count() + 1;
            throw reader.fail("the file contains a NUL character");
        }
        return reader.read();
    }

    private Map<String, String> read() {
        var values = new LinkedHashMap<String, String>();
        while (pos < text.length()) {
            skipBlanks();
            if (pos < text.length() && text.charAt(pos) == '#') {
                skipToLineEnd();
            } else if (!atLineEnd()) {
                assignment(values);
            }
            if (pos < text.length()) { // at a newline
                pos++;
                line++;
            }
        }
        return values;
    }

    /** One line (or more, with quotes and continuations) from its first non-blank character. */
    private void assignment(Map<String, String> values) {
        boolean exported = text.startsWith("export", pos) && pos + 6 < text.length()
                && (text.charAt(pos + 6) == ' ' || text.charAt(pos + 6) == '\t');
        if (exported) {
            pos += 6;
            skipBlanks();
        }
        int start = pos;
        while (pos < text.length() && isNameChar(text.charAt(pos))) {
            pos++;
        }
        if (pos == start || Character.isDigit(text.charAt(start)) || atLineEnd() || text.charAt(pos) != '=') {
            // the text may be a pasted value, so it is not shown
            throw fail(!atLineEnd() && text.charAt(pos) == '\r' ? "the line " + CR
                    : "expected NAME=VALUE, a name of letters, digits and '_' with no spaces around '='");
        }
        String name = text.substring(start, pos++);
        values.put(name, value(name, exported));
        skipBlanks();
        if (pos < text.length() && text.charAt(pos) == '#') {
            skipToLineEnd();
        }
        if (!atLineEnd()) {
            throw fail(text.charAt(pos) == '\r' ? "the line for " + name + " " + CR
                    : "unexpected text after the value of " + name
                            + "; sh would run it as a command (quote a value with spaces)");
        }
    }

    /** The value's word, up to unquoted whitespace or the end of the line. */
    private String value(String name, boolean exported) {
        int startLine = line;
        var v = new StringBuilder();
        boolean tildeExpands = true; // at the start of an assignment and after an unquoted ':'
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == ' ' || c == '\t' || c == '\n') {
                break;
            }
            switch (c) {
                case '\'' -> {
                    int end = text.indexOf('\'', pos + 1);
                    if (end < 0) {
                        line = startLine;
                        throw fail("unterminated single quote in the value of " + name);
                    }
                    String segment = text.substring(pos + 1, end);
                    line += (int) segment.chars().filter(ch -> ch == '\n').count();
                    v.append(segment);
                    pos = end + 1;
                }
                case '"' -> doubleQuoted(v, name, startLine);
                case '\\' -> {
                    if (pos + 1 >= text.length()) {
                        v.append('\\'); // sh keeps a backslash at the very end of the file
                        pos++;
                    } else if (text.charAt(pos + 1) == '\n') {
                        pos += 2; // a line continuation: as if it were not there
                        line++;
                        continue;
                    } else {
                        v.append(text.charAt(pos + 1));
                        pos += 2;
                    }
                }
                case '$', '`' -> throw expands(name);
                case ';', '&', '|', '<', '>', '(', ')' -> throw fail("the value of " + name
                        + " has an unquoted shell operator (one of ; & | < > ( )); quote it with single quotes");
                case '\r' -> throw fail("the value of " + name + " " + CR);
                default -> {
                    if (c == '~' && tildeExpands) {
                        throw fail("an unquoted ~ at the start of the value of " + name
                                + " or after a ':' would be expanded by sh; quote it with single quotes or escape it");
                    }
                    if (c == '{' && exported) {
                        throw fail("an unquoted { in the value of " + name
                                + " after export would be brace-expanded by bash; quote it with single quotes");
                    }
                    v.append(c);
                    pos++;
                }
            }
            tildeExpands = c == ':';
        }
        return v.toString();
    }

    /** From an opening {@code "} to past its closing one. */
    private void doubleQuoted(StringBuilder v, String name, int startLine) {
        pos++;
        while (true) {
            if (pos >= text.length()) {
                line = startLine;
                throw fail("unterminated double quote in the value of " + name);
            }
            char c = text.charAt(pos++);
            if (c == '"') {
                return;
            } else if (c == '$' || c == '`') {
                throw expands(name);
            } else if (c == '\\' && pos < text.length() && "$`\"\\\n".indexOf(text.charAt(pos)) >= 0) {
                c = text.charAt(pos++);
                if (c == '\n') {
                    line++; // backslash-newline is removed
                    continue;
                }
            } else if (c == '\n') {
                line++;
            }
            v.append(c);
        }
    }

    private void skipBlanks() {
        while (pos < text.length() && (text.charAt(pos) == ' ' || text.charAt(pos) == '\t')) {
            pos++;
        }
    }

    private void skipToLineEnd() {
        while (!atLineEnd()) {
            pos++;
        }
    }

    private boolean atLineEnd() {
        return pos >= text.length() || text.charAt(pos) == '\n';
    }

    private static boolean isNameChar(char c) {
        return c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    }

    private KimenException expands(String name) {
        return fail("a $ or backtick in the value of " + name
                + " would be expanded by sh; quote it with single quotes or escape it");
    }

    private KimenException fail(String reason) {
        return KimenException.of(Reason.INVALID_CONFIG, origin + ":" + line + ": " + reason);
    }
}
