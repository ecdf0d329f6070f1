package dev.kimen.mima;

import dev.kimen.Fuzz;
import java.nio.file.Files;
import java.nio.file.Path;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/** Fuzzes the YAML kimen reads: {@code ~/.mima.yaml} and a project's {@code .mima.yaml}. */
class MimaFuzzTest {
    private static Path dir;

    @BeforeContainer
    static void makeDir() throws Exception {
        dir = Files.createTempDirectory("mima-fuzz");
    }

    @AfterContainer
    static void removeDir() throws Exception {
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }
        Files.delete(dir);
    }

    @Property
    void anyUserFileReadsOrFailsCleanly(@ForAll("users") byte[] input) throws Exception {
        Path file = dir.resolve(".mima.yaml");
        Files.write(file, input);
        Fuzz.cleanly(() -> MimaFile.read(file).groups());
    }

    @Property
    void anyProjectFileParsesOrFailsCleanly(@ForAll("projects") byte[] input) throws Exception {
        Fuzz.cleanly(() -> ProjectConfig.parse(dir.resolve(ProjectConfig.FILE_NAME), input));
    }

    @Provide
    Arbitrary<byte[]> users() {
        return Fuzz.inputs("mima");
    }

    @Provide
    Arbitrary<byte[]> projects() {
        return Fuzz.inputs("project");
    }

    @Example
    void theSeedsParse() throws Exception {
        for (byte[] seed : Fuzz.seeds("mima")) {
            Path file = dir.resolve("seed.yaml");
            Files.write(file, seed);
            MimaFile.read(file).groups();
        }
        Fuzz.seeds("project").forEach(seed -> ProjectConfig.parse(dir.resolve(ProjectConfig.FILE_NAME), seed));
    }
}
