package dev.kimen.projection.run;

import dev.kimen.crypto.SecretBytes;
import dev.kimen.text.ValueForms;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * {@code run --mask}: copies a child's output stream, replacing every projected value, in each of
 * its {@link ValueForms}, by {@code <kimen:NAME>}. Line-agnostic and streaming: what arrives is
 * written at once, except a tail that could still grow into a value (the longest end of the
 * input so far that begins one), held until the next read or the end, so a value split across
 * two writes is still masked, and output without a newline (a prompt) is not held back.
 * Values shorter than {@link #MIN_LENGTH} bytes are not masked: they would match everywhere.
 *
 * <p>Written by hand: the streaming part (hold back only a possible beginning of a value) is
 * what the matching libraries leave to their callers, and the needles are few.
 */
public final class Masker {
    public static final int MIN_LENGTH = 6;
    private static final int CHUNK = 8192;

    private record Needle(String text, byte[] replacement) {}

    private record Match(int start, int end, byte[] replacement) {}

    private final List<Needle> needles;

    private Masker(List<Needle> needles) {
        // longest first: where two values start at the same place, the longer one is masked
        this.needles = needles.stream().sorted(Comparator.comparingInt((Needle n) -> n.text().length()).reversed()).toList();
    }

    /** A masker for {@code values} (the name shown in place of each); the values are not kept as given. */
    public static Masker of(Map<String, SecretBytes> values) {
        var needles = new ArrayList<Needle>();
        values.forEach((name, secret) -> {
            byte[] value = secret.reveal();
            try {
                if (value.length >= MIN_LENGTH) {
                    byte[] replacement = ("<kimen:" + name + ">").getBytes(StandardCharsets.UTF_8);
                    ValueForms.of(value).keySet().forEach(text -> needles.add(new Needle(text, replacement)));
                }
            } finally {
                Arrays.fill(value, (byte) 0);
            }
        });
        return new Masker(needles);
    }

    /**
     * A masker that writes each value of {@code replacements} in place of its key, exactly as
     * given (no other forms): the credential broker's, which puts a run's placeholders back in
     * place of the real values in what a brokered host answers. Keys under {@link #MIN_LENGTH}
     * bytes are left alone, as {@link #of} leaves such values.
     */
    public static Masker replacing(Map<String, String> replacements) {
        var needles = new ArrayList<Needle>();
        replacements.forEach((value, replacement) -> {
            String text = new String(value.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
            if (text.length() >= MIN_LENGTH) {
                needles.add(new Needle(text, replacement.getBytes(StandardCharsets.UTF_8)));
            }
        });
        return new Masker(needles);
    }

    /**
     * Copies {@code in} to {@code out} until the end of {@code in}, masking; flushes after each write.
     *
     * @return how many values were replaced
     */
    public long pump(InputStream in, OutputStream out) throws IOException {
        byte[] chunk = new byte[CHUNK];
        String pending = "";
        long replaced = 0;
        for (int n; (n = in.read(chunk)) >= 0; ) {
            if (n == 0) {
                continue;
            }
            String buffer = pending + new String(chunk, 0, n, StandardCharsets.ISO_8859_1);
            List<Match> matches = matches(buffer);
            int tailFrom = matches.isEmpty() ? 0 : matches.getLast().end();
            int keep = heldBack(buffer, tailFrom);
            replaced += write(buffer, buffer.length() - keep, matches, out);
            pending = buffer.substring(buffer.length() - keep);
        }
        return replaced + write(pending, pending.length(), matches(pending), out);
    }

    /** Non-overlapping matches, leftmost first, the longest where several start together. */
    private List<Match> matches(String buffer) {
        var all = new ArrayList<Match>();
        for (Needle n : needles) {
            for (int at = buffer.indexOf(n.text()); at >= 0; at = buffer.indexOf(n.text(), at + 1)) {
                all.add(new Match(at, at + n.text().length(), n.replacement()));
            }
        }
        all.sort(Comparator.comparingInt(Match::start).thenComparing(Comparator.comparingInt(Match::end).reversed()));
        var chosen = new ArrayList<Match>();
        int end = 0;
        for (Match m : all) {
            if (m.start() >= end) {
                chosen.add(m);
                end = m.end();
            }
        }
        return chosen;
    }

    /** How many chars at the end of {@code buffer} (after {@code from}) could be the start of a value. */
    private int heldBack(String buffer, int from) {
        int longest = 0;
        for (Needle n : needles) {
            int max = Math.min(n.text().length() - 1, buffer.length() - from);
            for (int k = max; k > longest; k--) {
                if (buffer.regionMatches(buffer.length() - k, n.text(), 0, k)) {
                    longest = k;
                    break;
                }
            }
        }
        return longest;
    }

    /** Writes {@code buffer[0, upTo)} with the matches in it replaced; returns how many were. */
    private static int write(String buffer, int upTo, List<Match> matches, OutputStream out) throws IOException {
        int at = 0;
        int replaced = 0;
        for (Match m : matches) {
            if (m.start() >= upTo) {
                break;
            }
            out.write(buffer.substring(at, m.start()).getBytes(StandardCharsets.ISO_8859_1));
            out.write(m.replacement());
            at = m.end();
            replaced++;
        }
        if (at < upTo) {
            out.write(buffer.substring(at, upTo).getBytes(StandardCharsets.ISO_8859_1));
        }
        out.flush();
        return replaced;
    }
}
