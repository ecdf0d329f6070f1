package dev.kimen.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code kimen completion}: Tab in a real interactive bash lists the secret subcommands; fish's complete -C too. */
class CompletionE2ETest {
    @RegisterExtension
    static final OutputLog LOG = new OutputLog();

    @TempDir
    Path tmp;

    @Test
    void tabTabInBashListsTheSecretSubcommands() throws IOException {
        Kimen kimen = Kimen.in(tmp.resolve("home"), LOG);
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Files.createSymbolicLink(bin.resolve("kimen"), Kimen.LAUNCHER); // completion is for the command name kimen
        var env = new HashMap<>(kimen.env());
        env.put("TERM", "xterm-256color");
        env.put("PATH", bin + ":" + env.get("PATH"));
        String rc = "PS1='$ '\nsource <(kimen completion bash)\n";
        try (var pane = new ShellPane("bash", tmp.resolve("shell"), env, kimen.home(), rc)) {
            pane.keys("kimen secret ", "Tab", "Tab");
            String screen = pane.awaitScreen("list");
            LOG.addScreen(List.of("completion", "bash"), screen);
            for (String sub : List.of("set", "get", "list", "rm", "mv")) {
                assertTrue(screen.matches("(?s).*\\b" + sub + "\\b.*"), sub + " missing:\n" + screen);
            }
        }
    }

    @Test
    void fishCompletesTheSecretSubcommands() throws Exception {
        Assumptions.assumeTrue(ShellPane.installed("fish"));
        Kimen kimen = Kimen.in(tmp.resolve("home"), LOG);
        Path script = Files.write(tmp.resolve("kimen.fish"), kimen.run("completion", "fish").ok().stdout());
        var fish = new ProcessBuilder("fish", "--no-config", "-c", "source " + script + "; complete -C 'kimen secret '")
                .redirectErrorStream(true).start();
        String out = new String(fish.getInputStream().readAllBytes());
        assertEquals(0, fish.waitFor(), out);
        assertEquals(List.of("edit", "export", "get", "import", "list", "meta", "mv", "rm", "set"),
                out.lines().map(l -> l.split("\t")[0]).sorted().toList(), out);
        kimen.run("completion", "tcsh", "--json").failsWith(2, "usage");
    }
}
