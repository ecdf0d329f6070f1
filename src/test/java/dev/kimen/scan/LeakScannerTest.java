package dev.kimen.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kimen.crypto.SecretBytes;
import dev.kimen.scan.LeakScanner.Finding;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import org.junit.jupiter.api.Test;

class LeakScannerTest {
    private static final String VALUE = "p@ss/word+with?chars=1";

    private static LeakScanner scanner() {
        var values = new LinkedHashMap<String, SecretBytes>();
        values.put("db.password", SecretBytes.ofUtf8(VALUE));
        values.put("short", SecretBytes.ofUtf8("abc12"));
        return LeakScanner.of(values);
    }

    @Test
    void findsEachFormOnItsLineAndNamesTheSecretNotTheValue() {
        String text = "line one\n"
                + "password: " + VALUE + "\n"
                + "basic: " + Base64.getEncoder().encodeToString(VALUE.getBytes(StandardCharsets.UTF_8)) + "\n"
                + "jwt-ish: " + Base64.getUrlEncoder().withoutPadding().encodeToString(VALUE.getBytes(StandardCharsets.UTF_8)) + "\n"
                + "url: https://x/?p=" + URLEncoder.encode(VALUE, StandardCharsets.UTF_8) + "\n"
                + "abc12 is too short to look for\n";
        List<Finding> found = scanner().scan("conf.txt", text.getBytes(StandardCharsets.UTF_8));
        assertEquals(List.of(new Finding("conf.txt", 2, "db.password", "raw"),
                new Finding("conf.txt", 3, "db.password", "base64"),
                new Finding("conf.txt", 4, "db.password", "base64url"),
                new Finding("conf.txt", 5, "db.password", "url")), found);
        assertTrue(found.stream().noneMatch(f -> f.toString().contains(VALUE)));
    }

    @Test
    void shortValuesAreNotLookedForAndSaidSo() {
        LeakScanner scanner = scanner();
        assertEquals(List.of("short"), scanner.tooShort());
        assertEquals(List.of(), scanner.scan("f", "abc12 abc12".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void bytesThatAreNotUtf8AreSearchedAsBytes() {
        byte[] value = {(byte) 0xff, 0, 1, 2, (byte) 0xfe, 7, 8};
        var values = new LinkedHashMap<String, SecretBytes>();
        values.put("binary", SecretBytes.adopt(value.clone()));
        byte[] file = new byte[20];
        file[0] = '\n';
        System.arraycopy(value, 0, file, 5, value.length);
        assertEquals(List.of(new Finding("bin", 2, "binary", "raw")), LeakScanner.of(values).scan("bin", file));
        assertEquals(List.of(), LeakScanner.of(values).scan("clean", new byte[64]));
    }
}
