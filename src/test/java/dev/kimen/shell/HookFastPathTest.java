package dev.kimen.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The hook's own shell code, with a stand-in for kimen that counts its calls and answers what
 * kimen would for an unchanged project: it is called once, whatever the shell's options, and a
 * directory name with a newline in it does not trip the walk up.
 */
class HookFastPathTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @CsvSource({"bash,''", "bash,set -u", "zsh,''", "zsh,setopt ksh_arrays", "fish,''"})
    void anUnchangedProjectCallsKimenOnceWhateverTheOptions(String shell, String options) throws Exception {
        assumeTrue(StampsTest.installed(shell), shell + " is not installed");
        Path project = Files.createDirectories(tmp.resolve("proj\nwith a newline/sub"));
        Files.writeString(project.getParent().resolve(".mima.yaml"), "env: {}\n");
        Path calls = tmp.resolve("calls");
        Path kimen = tmp.resolve("kimen");
        // answers like `kimen hook <shell> --load <config> …`: watch the config against itself (so: unchanged)
        Files.writeString(kimen, "#!/bin/sh\necho call >> '" + calls + "'\n"
                + "printf \"_kimen_watch '%s' '%s'\\n_kimen_status 'loaded:x'\\n\" \"$4\" \"$4\"\n");
        kimen.toFile().setExecutable(true);
        Path hook = Files.writeString(tmp.resolve("hook." + shell),
                Shell.named(shell).hook("kimen", kimen.toString()));
        String cd = "cd " + Shell.named(shell).quote(project.toString());
        String script = switch (shell) {
            case "fish" -> "source " + hook + "\n" + cd + "\n_kimen_hook\n_kimen_hook\n_kimen_hook\n";
            default -> options + "\nsource " + hook + "\n" + cd + "\n_kimen_hook\n_kimen_hook\n_kimen_hook\n";
        };
        Path file = Files.writeString(tmp.resolve("script." + shell), script);
        List<String> argv = switch (shell) {
            case "bash" -> List.of("bash", "--norc", "--noprofile", file.toString());
            case "zsh" -> List.of("zsh", "-f", file.toString());
            default -> List.of("fish", "--no-config", file.toString());
        };
        Path output = tmp.resolve("output");
        var pb = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(output.toFile());
        pb.environment().put("HOME", tmp.toString());
        Process p = pb.start();
        boolean ended = p.waitFor(20, TimeUnit.SECONDS);
        if (!ended) {
            p.destroyForcibly().waitFor();
        }
        String out = Files.readString(output, StandardCharsets.UTF_8);
        assertEquals(true, ended, "the hook hung:\n" + out);
        assertEquals(0, p.exitValue(), out);
        assertEquals(1, Files.readAllLines(calls).size(), "kimen runs once, then the stamps say unchanged:\n" + out);
    }
}
