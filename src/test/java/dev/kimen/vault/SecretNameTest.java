package dev.kimen.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import org.junit.jupiter.api.Test;

class SecretNameTest {
    @Test
    void acceptsPrintableUtf8() {
        for (String ok : new String[] {"a", "prod.database_url", "unicode.näme", "x/y:z@1", "😀"}) {
            assertEquals(ok, SecretName.check(ok));
        }
    }

    @Test
    void refusesEmptyWhitespaceAndControl() {
        for (String bad : new String[] {"", " ", "a b", "a\tb", "a\nb", "a\u0000b", "a\u007fb", "a\u00a0b",
                "a\u2028b", "a\u200bb", "\ud800"}) {
            var e = assertThrows(KimenException.class, () -> SecretName.check(bad), bad);
            assertEquals(Reason.USAGE, e.reason());
        }
    }
}
