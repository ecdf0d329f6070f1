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

    /** Names that are not UTF-8 (an upstream vault may hold them): read and written back byte for byte. */
    @Property
    void anyBytesRoundTripThroughTheEscapedForm(@ForAll byte[] bytes) {
        String name = Utf8.decodeEscaped(bytes);
        org.junit.jupiter.api.Assertions.assertArrayEquals(bytes, Utf8.encodeEscaped(name));
    }

    @Test
    void aNameThatIsNotUtf8IsShownWithItsBytesEscaped() {
        byte[] latin1 = {'c', 'a', 'f', (byte) 0xe9, '.', (byte) 0xf0, (byte) 0x9f, (byte) 0x98, (byte) 0x80};
        String name = Utf8.decodeEscaped(latin1); // é in Latin-1, then a whole emoji
        assertEquals("caf\\xe9.\uD83D\uDE00", Utf8.show(name));
        assertEquals(name, Utf8.unshow(Utf8.show(name)));
        org.junit.jupiter.api.Assertions.assertArrayEquals(latin1, Utf8.encodeEscaped(name));
        assertEquals("plain.name", Utf8.show("plain.name"));
        assertEquals("{\"n\":\"caf\\\\xe9\"}", dev.kimen.json.Json.write(java.util.Map.of("n", Utf8.decodeEscaped(
                new byte[] {'c', 'a', 'f', (byte) 0xe9}))), "JSON carries the shown form");
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
