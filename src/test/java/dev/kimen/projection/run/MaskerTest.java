package dev.kimen.projection.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kimen.crypto.SecretBytes;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import org.junit.jupiter.api.Test;

class MaskerTest {
    private static final String TOKEN = "tok-3f9a8c7e";
    private static final String LONGER = "tok-3f9a8c7e-and-more";

    private static Masker masker() {
        var values = new LinkedHashMap<String, SecretBytes>();
        values.put("TOKEN", SecretBytes.ofUtf8(TOKEN));
        values.put("LONG", SecretBytes.ofUtf8(LONGER));
        values.put("PIN", SecretBytes.ofUtf8("12345"));
        return Masker.of(values);
    }

    /** Returns the given pieces one read at a time, noting how much had been written out before each. */
    private static final class Pieces extends InputStream {
        final ArrayDeque<byte[]> pieces = new ArrayDeque<>();
        final ByteArrayOutputStream out;
        final List<String> seenBeforeRead = new ArrayList<>();

        Pieces(ByteArrayOutputStream out, String... parts) {
            this.out = out;
            for (String p : parts) {
                pieces.add(p.getBytes(StandardCharsets.UTF_8));
            }
        }

        @Override
        public int read() {
            throw new UnsupportedOperationException();
        }

        @Override
        public int read(byte[] b, int off, int len) {
            seenBeforeRead.add(out.toString(StandardCharsets.UTF_8));
            byte[] next = pieces.poll();
            if (next == null) {
                return -1;
            }
            System.arraycopy(next, 0, b, off, next.length);
            return next.length;
        }
    }

    private static String mask(String... parts) throws IOException {
        var out = new ByteArrayOutputStream();
        masker().pump(new Pieces(out, parts), out);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aValueSplitAtAnyPointAcrossTwoWritesIsStillMasked() throws IOException {
        String line = "token=" + TOKEN + " done\n";
        for (int cut = 1; cut < line.length(); cut++) {
            assertEquals("token=<kimen:TOKEN> done\n", mask(line.substring(0, cut), line.substring(cut)), "cut at " + cut);
        }
        assertEquals("a<kimen:TOKEN>b", mask("a", "t", "o", "k", "-", "3f9a", "8c7e", "b"));
    }

    @Test
    void encodedFormsTheLongerValueAndShortValues() throws IOException {
        String b64 = Base64.getEncoder().encodeToString(TOKEN.getBytes(StandardCharsets.UTF_8));
        assertEquals("Basic <kimen:TOKEN>\n", mask("Basic " + b64 + "\n")); // 12 bytes: no padding to leave
        assertEquals("<kimen:LONG>!", mask(LONGER + "!"), "the longer value wins where both start");
        assertEquals("pin 12345", mask("pin 12345"), "under 6 bytes: not masked");
    }

    @Test
    void outputThatCannotStartAValueIsNotHeldBack() throws IOException {
        var out = new ByteArrayOutputStream();
        var in = new Pieces(out, "Password: ", "tok-", "3f9a8c7e\n");
        masker().pump(in, out);
        assertEquals("Password: ", in.seenBeforeRead.get(1), "a prompt waited for more input");
        assertEquals("Password: ", in.seenBeforeRead.get(2), "the start of a value was let out");
        assertEquals("Password: <kimen:TOKEN>\n", out.toString(StandardCharsets.UTF_8));
    }
}
