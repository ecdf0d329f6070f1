package dev.kimen.cli;

import dev.kimen.KimenException;
import dev.kimen.json.Json;
import dev.kimen.text.OneLine;
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
            err.println("kimen: error: " + OneLine.of(e.getMessage()));
            if (e.hint() != null) {
                err.println("kimen: hint: " + OneLine.of(e.hint()));
            }
        }
        return code;
    }
}
