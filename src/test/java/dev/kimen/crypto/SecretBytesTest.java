package dev.kimen.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SecretBytesTest {
    @Test
    void printsRedactedAndClearsOnDestroy() {
        byte[] raw = {1, 2, 3};
        var s = SecretBytes.adopt(raw);
        assertEquals("<redacted>", s.toString());
        assertEquals("<redacted>", String.valueOf(s));
        s.destroy();
        assertTrue(s.isDestroyed());
        assertEquals(0, raw[0] | raw[1] | raw[2]);
        assertThrows(IllegalStateException.class, s::reveal);
    }

    @Test
    void comparesValues() {
        assertTrue(SecretBytes.ofUtf8("värde").sameAs(SecretBytes.ofUtf8("värde")));
        assertFalse(SecretBytes.ofUtf8("a").sameAs(SecretBytes.ofUtf8("b")));
    }
}
