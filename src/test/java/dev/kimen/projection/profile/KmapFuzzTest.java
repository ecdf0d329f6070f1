package dev.kimen.projection.profile;

import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.kimen.Fuzz;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Fuzzes the {@code .kmap} parser: any text gives a map (with problems, printable on one line
 * without control characters) or a typed failure.
 */
class KmapFuzzTest {
    @Property
    void anyTextParsesOrFailsCleanly(@ForAll("inputs") byte[] input) throws Exception {
        Fuzz.cleanly(() -> KmapParser.parse(new String(input, StandardCharsets.UTF_8), "fuzz.kmap").problems()
                .forEach(p -> assertFalse(p.render().matches("(?s).*\\p{Cc}.*"), "a control character in " + p.render())));
    }

    @Provide
    Arbitrary<byte[]> inputs() {
        return Fuzz.inputs("kmap");
    }

    @Example
    void theSeedsParse() {
        Fuzz.seeds("kmap").forEach(seed -> KmapParser.parse(new String(seed, StandardCharsets.UTF_8), "seed.kmap"));
    }
}
