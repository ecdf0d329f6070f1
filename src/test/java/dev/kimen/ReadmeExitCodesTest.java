package dev.kimen;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The README's exit-code table must say exactly what {@link Reason} says. */
class ReadmeExitCodesTest {
    @Test
    void readmeTableMatchesReasonEnum() throws Exception {
        Map<Integer, Set<String>> documented = new TreeMap<>();
        Map<Integer, String> meanings = new TreeMap<>();
        Pattern row = Pattern.compile("^\\| (\\d+) \\| ([^|]+) \\| ([^|]*) \\|$");
        for (String line : Files.readAllLines(Path.of("README.md"))) {
            Matcher m = row.matcher(line);
            if (m.matches() && !m.group(1).equals("0")) {
                int code = Integer.parseInt(m.group(1));
                var reasons = new TreeSet<String>();
                Matcher r = Pattern.compile("`([a-z_]+)`").matcher(m.group(3));
                while (r.find()) {
                    reasons.add(r.group(1));
                }
                documented.put(code, reasons);
                meanings.put(code, m.group(2).strip());
            }
        }
        Map<Integer, Set<String>> actual = new TreeMap<>();
        for (Reason reason : Reason.values()) {
            actual.computeIfAbsent(reason.exitCode(), c -> new TreeSet<>()).add(reason.code());
            assertEquals(reason.meaning(), meanings.get(reason.exitCode()), "meaning of " + reason.exitCode());
        }
        assertEquals(actual, documented);
    }
}
