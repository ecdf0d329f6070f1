package dev.kimen.scan;

import dev.kimen.crypto.SecretBytes;
import dev.kimen.text.ValueForms;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Finds vault values in files' bytes, in each of their {@link ValueForms}. A finding
 * names the file, the line and the secret, never the value. Values shorter than
 * {@link #MIN_LENGTH} bytes are not looked for: they would match everywhere.
 *
 * <p>The forms are strings (so {@link String#indexOf}, which the JVM makes fast, searches bytes):
 * they live as long as this scanner and, being strings, cannot be cleared.
 */
public final class LeakScanner {
    public static final int MIN_LENGTH = 6;

    /** One place a value was found; {@code form} is raw, base64, base64url or url. */
    public record Finding(String path, int line, String secret, String form) {}

    private record Needle(String secret, String form, String text) {}

    private final List<Needle> needles;
    private final List<String> tooShort;

    private LeakScanner(List<Needle> needles, List<String> tooShort) {
        this.needles = needles;
        this.tooShort = tooShort;
    }

    /** A scanner for these secrets (name to value); the values are copied, not kept. */
    public static LeakScanner of(Map<String, SecretBytes> values) {
        var needles = new ArrayList<Needle>();
        var tooShort = new ArrayList<String>();
        values.forEach((name, secret) -> {
            byte[] value = secret.reveal();
            try {
                if (value.length < MIN_LENGTH) {
                    tooShort.add(name);
                    return;
                }
                ValueForms.of(value).forEach((text, form) -> needles.add(new Needle(name, form, text)));
            } finally {
                Arrays.fill(value, (byte) 0);
            }
        });
        return new LeakScanner(List.copyOf(needles), List.copyOf(tooShort));
    }

    /** Secrets not looked for, being shorter than {@link #MIN_LENGTH} bytes. */
    public List<String> tooShort() {
        return tooShort;
    }

    /** Every place in {@code content} (the bytes of {@code path}) that holds a value, by line. */
    public List<Finding> scan(String path, byte[] content) {
        String haystack = ValueForms.latin1(content);
        int[] lineStarts = null;
        var found = new ArrayList<Finding>();
        for (Needle n : needles) {
            for (int at = haystack.indexOf(n.text()); at >= 0; at = haystack.indexOf(n.text(), at + 1)) {
                if (lineStarts == null) {
                    lineStarts = lineStarts(content);
                }
                found.add(new Finding(path, lineOf(lineStarts, at), n.secret(), n.form()));
            }
        }
        found.sort(Comparator.comparingInt(Finding::line).thenComparing(Finding::secret).thenComparing(Finding::form));
        return List.copyOf(found.stream().distinct().toList());
    }

    private static int[] lineStarts(byte[] content) {
        var starts = new ArrayList<Integer>();
        starts.add(0);
        for (int i = 0; i < content.length; i++) {
            if (content[i] == '\n') {
                starts.add(i + 1);
            }
        }
        return starts.stream().mapToInt(Integer::intValue).toArray();
    }

    /** 1-based line of byte offset {@code at}. */
    private static int lineOf(int[] lineStarts, int at) {
        int i = Arrays.binarySearch(lineStarts, at);
        return (i >= 0 ? i : -i - 2) + 1;
    }
}
