package dev.kimen.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/** Strict UTF-8, with its ASCII shortcut: the same answer as the JDK's reporting decoder for any bytes. */
class Utf8Test {
    @Test
    void asciiOtherScriptsAndMalformedInput() throws CharacterCodingException {
        assertEquals("db.password", Utf8.decode("db.password".getBytes(StandardCharsets.US_ASCII)));
        assertEquals("unicode.näme", Utf8.decode("unicode.näme".getBytes(StandardCharsets.UTF_8)));
        assertEquals("", Utf8.decode(new byte[0]));
        assertThrows(CharacterCodingException.class, () -> Utf8.decode(new byte[] {'a', (byte) 0xc3}));
        assertThrows(CharacterCodingException.class, () -> Utf8.decode(new byte[] {(byte) 0xc0, (byte) 0xaf}));
    }

    @Property
    void agreesWithTheReportingDecoder(@ForAll byte[] bytes) {
        String expected;
        try {
            expected = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            assertThrows(CharacterCodingException.class, () -> Utf8.decode(bytes));
            return;
        }
        try {
            assertEquals(expected, Utf8.decode(bytes));
        } catch (CharacterCodingException e) {
            throw new AssertionError("refused what the JDK decodes", e);
        }
    }

    @Property
    void asciiBytesDecodeToThemselves(@ForAll("ascii") String text) throws CharacterCodingException {
        assertEquals(text, Utf8.decode(text.getBytes(StandardCharsets.US_ASCII)));
    }

    @net.jqwik.api.Provide
    net.jqwik.api.Arbitrary<String> ascii() {
        return net.jqwik.api.Arbitraries.strings().ascii().ofMaxLength(40);
    }
}
