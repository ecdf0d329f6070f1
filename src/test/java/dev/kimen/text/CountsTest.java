package dev.kimen.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Issue 24: "wrote 1 variables", "re-encrypted 1 secrets". */
class CountsTest {
    @Test
    void oneIsSingularEverythingElsePlural() {
        assertEquals("0 secrets", Counts.of(0, "secret"));
        assertEquals("1 variable", Counts.of(1, "variable"));
        assertEquals("2 files", Counts.of(2, "file"));
    }
}
