package dev.kimen.shell;

import dev.kimen.Fuzz;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Fuzzes the dotenv reader ({@code secret import --from-dotenv}, the hook's .env). */
class DotenvFuzzTest {
    @Property
    void anyTextParsesOrFailsCleanly(@ForAll("inputs") byte[] input) throws Exception {
        Fuzz.cleanly(() -> Dotenv.parse(new String(input, StandardCharsets.UTF_8), "fuzz.env"));
    }

    @Provide
    Arbitrary<byte[]> inputs() {
        return Fuzz.inputs("dotenv");
    }

    @Example
    void theSeedsParse() {
        Fuzz.seeds("dotenv").forEach(seed -> Dotenv.parse(new String(seed, StandardCharsets.UTF_8), "seed.env"));
    }
}
