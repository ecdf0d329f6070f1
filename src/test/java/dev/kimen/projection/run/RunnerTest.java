package dev.kimen.projection.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import dev.kimen.crypto.SecretBytes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunnerTest {
    static final Map<String, String> ENV = Map.of("PATH", System.getenv("PATH"));

    @Test
    void exitStatusPassesThroughAndSignalDeathIs128PlusN(@TempDir Path cwd) {
        assertEquals(7, Runner.run(List.of("sh", "-c", "exit 7"), ENV, null, cwd));
        assertEquals(143, Runner.run(List.of("sh", "-c", "kill -TERM $$"), ENV, null, cwd));
    }

    @Test
    void environmentIsExactlyWhatWasGivenAndStdinIsTheValue(@TempDir Path cwd) throws Exception {
        Path out = cwd.resolve("out");
        var env = Map.of("PATH", System.getenv("PATH"), "ONLY", "this", "OUT", out.toString());
        assertEquals(0, Runner.run(List.of("sh", "-c", "{ env | sort; cat; } > \"$OUT\""), env,
                SecretBytes.ofUtf8("from stdin"), cwd));
        String text = Files.readString(out);
        assertEquals(true, text.contains("ONLY=this\n"));
        assertEquals(false, text.contains("HOME="), text);
        assertEquals(true, text.endsWith("from stdin"), text);
    }

    @Test
    void theCommandIsFoundOnItsOwnPath(@TempDir Path cwd) throws Exception {
        Path bin = Files.createDirectories(cwd.resolve("bin"));
        Path tool = Files.writeString(bin.resolve("kimen-only-here"), "#!/bin/sh\nexit 5\n");
        tool.toFile().setExecutable(true);
        var env = Map.of("PATH", bin + ":" + System.getenv("PATH"));
        assertEquals(5, Runner.run(List.of("kimen-only-here"), env, null, cwd));
    }

    @Test
    void notFoundIs127AndNotExecutableIs126(@TempDir Path cwd) throws Exception {
        var e = assertThrows(KimenException.class, () -> Runner.run(List.of("kimen-no-such-cmd"), ENV, null, cwd));
        assertEquals(Reason.COMMAND_NOT_FOUND, e.reason());
        assertEquals(127, e.reason().exitCode());
        Path plain = Files.writeString(cwd.resolve("plain.sh"), "echo hi\n");
        var e2 = assertThrows(KimenException.class, () -> Runner.run(List.of(plain.toString()), ENV, null, cwd));
        assertEquals(Reason.COMMAND_NOT_EXECUTABLE, e2.reason());
        assertEquals(126, e2.reason().exitCode());
    }
}
