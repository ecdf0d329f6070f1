package dev.kimen.cli;

import dev.kimen.KimenException;
import dev.kimen.json.Json;
import java.io.PrintStream;

/** The one place failures are printed: age-style {@code kimen: error:} lines, or the JSON envelope. */
public final class ErrorRenderer {
    private ErrorRenderer() {}

    public static int render(KimenException e, boolean json, PrintStream err) {
        int code = e.reason().exitCode();
        if (json) {
            var envelope = Json.object("ok", false, "error", e.getMessage(), "exit_code", code,
                    "reason", e.reason().code());
            if (e.hint() != null) {
                envelope.put("hint", e.hint());
            }
            err.println(Json.write(envelope));
        } else {
            err.println("kimen: error: " + oneLine(e.getMessage()));
            if (e.hint() != null) {
                err.println("kimen: hint: " + oneLine(e.hint()));
            }
        }
        return code;
    }

    /**
     * One line with no control character: a message may quote bytes of a file (a YAML reader says
     * what it found), and an escape sequence from a hostile file must not reach the terminal.
     */
    static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("[\\n\\r\\t]", " ").replaceAll("\\p{Cc}", "?");
    }
}
