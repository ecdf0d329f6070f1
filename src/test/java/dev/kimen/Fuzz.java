package dev.kimen;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * Inputs for the parser fuzz tests ({@code *FuzzTest}): the committed seeds of a kind
 * ({@code src/test/resources/fuzz/<kind>/}, each a valid input) with random edits, and plain
 * random bytes. Each test says which outcomes are clean for its parser: a result, or a typed
 * failure ({@link KimenException} with a reason, rendered as one line free of control
 * characters); anything else (a NullPointerException, an IndexOutOfBounds, a StackOverflowError,
 * …) fails the test with the input that caused it.
 */
public final class Fuzz {
    private Fuzz() {}

    /** The seed files of a kind, in name order. */
    public static List<byte[]> seeds(String kind) {
        try (Stream<Path> files = Files.list(Path.of(Fuzz.class.getResource("/fuzz/" + kind).toURI()))) {
            return files.sorted().map(Fuzz::read).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Mostly seeds with 1 to 8 random edits; some seeds as they are; some random bytes. */
    public static Arbitrary<byte[]> inputs(String kind) {
        List<byte[]> seeds = seeds(kind);
        Arbitrary<byte[]> seed = Arbitraries.of(seeds);
        Arbitrary<byte[]> edited = seed.flatMap(s -> edit().list().ofMinSize(1).ofMaxSize(8)
                .map(edits -> apply(s, edits)));
        Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
        return Arbitraries.frequencyOf(Tuple.of(12, edited), Tuple.of(1, seed), Tuple.of(3, random),
                Tuple.of(2, deep(seed)));
    }

    /**
     * A seed with up to 30 000 openers of a nested structure put in somewhere (JSON's and YAML's
     * flow {@code [} and {@code {}, a key, a block sequence's dash): a parser that recurses per
     * level must refuse it, not overflow its stack.
     */
    private static Arbitrary<byte[]> deep(Arbitrary<byte[]> seed) {
        Arbitrary<String> opener = Arbitraries.of("[", "{", "{\"a\":", "{a: ", "[{", "- ", "a:\n ");
        return Combinators.combine(seed, opener, Arbitraries.integers().between(1, 30_000),
                Arbitraries.integers().greaterOrEqual(0)).as((s, open, n, at) -> splice(s, at % (s.length + 1), 0,
                        open.repeat(n).getBytes(StandardCharsets.UTF_8)));
    }

    private record Edit(int op, int at, byte value, int length) {}

    private static Arbitrary<Edit> edit() {
        // flip a bit, set a byte, insert a byte, delete a run, duplicate a run, cut the rest
        Arbitrary<Byte> special = Arbitraries.of((byte) 0, (byte) '\n', (byte) '\t', (byte) ' ', (byte) '=', (byte) ':',
                (byte) '"', (byte) '\'', (byte) '{', (byte) '-', (byte) '#', (byte) 0x7f, (byte) 0x80, (byte) 0xff);
        return Combinators.combine(Arbitraries.integers().between(0, 5), Arbitraries.integers().greaterOrEqual(0),
                Arbitraries.oneOf(special, Arbitraries.bytes()), Arbitraries.integers().between(1, 64)).as(Edit::new);
    }

    static byte[] apply(byte[] seed, List<Edit> edits) {
        byte[] b = seed.clone();
        for (Edit e : edits) {
            int at = b.length == 0 ? 0 : e.at % (b.length + 1);
            switch (e.op) {
                case 0 -> { if (at < b.length) { b[at] ^= (byte) (1 << (e.value & 7)); } }
                case 1 -> { if (at < b.length) { b[at] = e.value; } }
                case 2 -> b = splice(b, at, 0, new byte[] {e.value});
                case 3 -> b = splice(b, at, Math.min(e.length, b.length - at), new byte[0]);
                case 4 -> b = splice(b, at, 0, Arrays.copyOfRange(b, at, Math.min(b.length, at + e.length)));
                default -> b = Arrays.copyOf(b, at);
            }
        }
        return b;
    }

    private static byte[] splice(byte[] b, int at, int remove, byte[] insert) {
        byte[] out = new byte[b.length - remove + insert.length];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(insert, 0, out, at, insert.length);
        System.arraycopy(b, at + remove, out, at + insert.length, b.length - at - remove);
        return out;
    }

    /** A step that may fail only as {@code allowed}; a KimenException must carry a reason and a one-line message. */
    @SafeVarargs
    public static void cleanly(Step step, Class<? extends Exception>... allowed) throws Exception {
        try {
            step.run();
        } catch (KimenException e) {
            assertNotNull(e.reason());
            assertFalse(e.getMessage() == null || e.getMessage().isBlank(), "a failure without a message");
            var rendered = new java.io.ByteArrayOutputStream();
            dev.kimen.cli.ErrorRenderer.render(e, false, new java.io.PrintStream(rendered, true, StandardCharsets.UTF_8));
            String text = rendered.toString(StandardCharsets.UTF_8);
            assertTrue(text.matches("kimen: error: [^\\p{Cc}]+\n(kimen: hint: [^\\p{Cc}]*\n)?"), text);
        } catch (Exception e) {
            if (Arrays.stream(allowed).noneMatch(a -> a.isInstance(e))) {
                throw e;
            }
        }
    }

    @FunctionalInterface
    public interface Step {
        void run() throws Exception;
    }
}
