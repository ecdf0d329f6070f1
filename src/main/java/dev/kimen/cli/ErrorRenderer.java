package dev.kimen.cli;

import dev.kimen.KimenException;
import dev.kimen.json.Json;
import dev.kimen.text.OneLine;
import java.io.PrintStream;
import java.util.regex.Pattern;

/**
 * The one place failures are printed: age-style {@code kimen: error:} lines (or {@code mima:}
 * under {@code bin/mima}), or the JSON envelope.
 */
public final class ErrorRenderer {
    private ErrorRenderer() {}

    /**
     * kimen's commands that mima has too, as hints name them. Hints are written once, deep in the
     * code, naming kimen's commands; under {@code bin/mima} these are named as mima's, so a mima
     * user is told what to type in mima. (kimen-only commands, such as {@code kimen vault init},
     * keep their name: they are right as they are, mima having no such command.)
     */
    private static final Pattern SHARED = Pattern.compile(
            "\\bkimen (?=(group|run|env|hook|allow|deny|session|completion|secret (list|get|rm))\\b)");

    public static int render(KimenException e, boolean json, PrintStream err) {
        int code = e.reason().exitCode();
        String hint = e.hint() == null ? null : forProgram(e.hint());
        if (json) {
            var envelope = Json.object("ok", false, "error", e.getMessage(), "exit_code", code,
                    "reason", e.reason().code());
            if (hint != null) {
                envelope.put("hint", hint);
            }
            err.println(Json.write(envelope));
        } else {
            err.println(Cli.program() + ": error: " + OneLine.of(e.getMessage()));
            if (hint != null) {
                err.println(Cli.program() + ": hint: " + OneLine.of(hint));
            }
        }
        return code;
    }

    /** {@code text} with the commands mima shares named as mima's, when mima runs. */
    static String forProgram(String text) {
        return Cli.program().equals("mima") ? SHARED.matcher(text).replaceAll("mima ") : text;
    }
}
