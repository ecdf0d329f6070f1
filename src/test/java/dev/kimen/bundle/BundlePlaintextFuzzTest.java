package dev.kimen.bundle;

import dev.kimen.Fuzz;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Fuzzes what a bundle holds once age has decrypted it: secrets, or invalid_bundle. */
class BundlePlaintextFuzzTest {
    @Property
    void anyPlaintextReadsOrFailsCleanly(@ForAll("inputs") byte[] input) throws Exception {
        Fuzz.cleanly(() -> BundlePlaintext.read(input).close());
    }

    @Provide
    Arbitrary<byte[]> inputs() {
        return Fuzz.inputs("bundle");
    }

    @Example
    void theSeedsRead() {
        Fuzz.seeds("bundle").forEach(seed -> BundlePlaintext.read(seed).close());
    }
}
