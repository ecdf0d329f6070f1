package dev.kimen.projection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import dev.kimen.projection.envfile.EnvfileFormat;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class EnvfileFormatTest {
    static String line(EnvfileFormat f, String value) {
        var out = new ByteArrayOutputStream();
        f.writeLine("V", value.getBytes(StandardCharsets.UTF_8), out);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void eachFormatQuotesForItsReader() {
        assertEquals("V='it'\\''s $x'\n", line(EnvfileFormat.DOTENV, "it's $x"));
        assertEquals("V=it's \"$x\"\n", line(EnvfileFormat.DOCKER, "it's \"$x\""));
        assertEquals("V=\"a\\\"b\\\\c\nd\"\n", line(EnvfileFormat.SYSTEMD, "a\"b\\c\nd"));
    }

    @Test
    void nulIsRefusedEverywhereAndLineBreaksByDocker() {
        for (EnvfileFormat f : EnvfileFormat.values()) {
            var e = assertThrows(KimenException.class, () -> line(f, "a\0b"));
            assertEquals(Reason.INVALID_VALUE, e.reason());
        }
        assertEquals(Reason.INVALID_VALUE, assertThrows(KimenException.class, () -> line(EnvfileFormat.DOCKER, "a\nb")).reason());
        assertEquals(Reason.INVALID_VALUE, assertThrows(KimenException.class, () -> line(EnvfileFormat.DOCKER, "a\rb")).reason());
        byte[] latin1 = {'v', (byte) 0xe4};
        for (EnvfileFormat f : new EnvfileFormat[] {EnvfileFormat.DOCKER, EnvfileFormat.SYSTEMD}) {
            assertThrows(KimenException.class, () -> f.writeLine("V", latin1, new java.io.ByteArrayOutputStream()), f.name());
        }
        var sh = new java.io.ByteArrayOutputStream();
        EnvfileFormat.DOTENV.writeLine("V", latin1, sh);
        assertEquals(7, sh.size(), "V='v\\xe4' and a newline: sh carries any bytes but NUL");
    }
}
