package dev.kimen.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code session start --ttl}: the forms DESIGN §3's idle TTL is written in. */
class TtlTest {
    @Test
    void everyDocumentedFormParses() {
        Map<String, Duration> forms = Map.of(
                "30s", Duration.ofSeconds(30),
                "15m", Duration.ofMinutes(15),
                "8h", Duration.ofHours(8),
                "7d", Duration.ofDays(7),
                "45", Duration.ofSeconds(45),
                "0", Duration.ZERO,
                "0d", Duration.ZERO,
                " 15m\t\n", Duration.ofMinutes(15),
                "007m", Duration.ofMinutes(7));
        forms.forEach((text, expected) -> assertEquals(expected, Ttl.parse(text), text));
    }

    @Test
    void atMost366Days() {
        assertEquals(Duration.ofDays(366), Ttl.parse("366d"));
        assertEquals(Duration.ofDays(366), Ttl.parse("31622400"));
        for (String tooLong : List.of("367d", "31622401", "8785h", "527041m")) {
            var e = assertThrows(KimenException.class, () -> Ttl.parse(tooLong), tooLong);
            assertEquals(Reason.USAGE, e.reason(), tooLong);
            assertFalse(e.getMessage().contains(tooLong), e.getMessage());
        }
    }

    @Test
    void otherFormsAreUsageErrorsThatDoNotEchoTheInput() {
        assertEquals(Reason.USAGE, assertThrows(KimenException.class, () -> Ttl.parse("")).reason());
        assertEquals(Reason.USAGE, assertThrows(KimenException.class, () -> Ttl.parse("  ")).reason());
        for (String bad : List.of("-5", "1.5h", "15M", "1w", "15mm", "1234567890", "9999999999d", "d7", "15 m",
                "+5", "0x10", "٣s")) {
            var e = assertThrows(KimenException.class, () -> Ttl.parse(bad), bad);
            assertEquals(Reason.USAGE, e.reason(), bad);
            assertFalse(e.getMessage().contains(bad), e.getMessage());
        }
    }

    @Test
    void formatIsTheShortestExactForm() {
        Map<Long, String> shortest = Map.of(
                0L, "0",
                90L, "90s",
                900L, "15m",
                3_600L, "1h",
                5_400L, "90m",
                86_400L, "1d",
                90_000L, "25h",
                86_401L, "86401s",
                31_622_400L, "366d");
        shortest.forEach((seconds, text) -> assertEquals(text, Ttl.format(Duration.ofSeconds(seconds)), text));
    }

    @Test
    void parseOfFormatIsTheIdentity() {
        for (long s = 0; s <= Ttl.MAX.toSeconds(); s += s < 200_000 ? 1 : 997) {
            Duration ttl = Duration.ofSeconds(s);
            assertEquals(ttl, Ttl.parse(Ttl.format(ttl)), Ttl.format(ttl));
        }
    }
}
