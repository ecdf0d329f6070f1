package dev.kimen.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** What a failure looks like on stderr. */
class ErrorRendererTest {
    /** A message may quote a hostile file's bytes (found by MimaFuzzTest: a raw newline from the YAML reader). */
    @Test
    void noLineBreakNorControlCharacterReachesTheTerminal() {
        var out = new ByteArrayOutputStream();
        int code = ErrorRenderer.render(KimenException.of(Reason.INVALID_CONFIG, "found \n(10) and \u001b[31mred\u009b",
                "see\tline 2\r"), false, new PrintStream(out, true, StandardCharsets.UTF_8));
        assertEquals(Reason.INVALID_CONFIG.exitCode(), code);
        assertEquals("kimen: error: found  (10) and ?[31mred?\nkimen: hint: see line 2 \n", out.toString(StandardCharsets.UTF_8));
    }
}
