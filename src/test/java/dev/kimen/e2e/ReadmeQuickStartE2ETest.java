package dev.kimen.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 24: the README's quick start, as a new user follows it. Its first sh block is taken from
 * README.md and typed line by line into a real bash (tmux) in a fresh HOME, with kimen on PATH
 * and no KIMEN_PASSPHRASE; every prompt is answered as a person would. Each line must work as
 * written, and after session start no passphrase is asked again: the README cannot drift.
 */
class ReadmeQuickStartE2ETest {
    private static final String PASS = "readme quick start tundra quiver lantern";
    private static final String DB_URL = "postgres://app:readme-db-secret-81@db.internal/app";

    @RegisterExtension
    static final OutputLog LOG = new OutputLog().forbidding(PASS, DB_URL);

    @TempDir
    Path tmp;

    private Kimen kimen;
    private ShellPane pane;

    @AfterEach
    void stop() {
        if (pane != null) {
            LOG.addScreen(List.of("readme", "quick start"), pane.screen());
            pane.close();
        }
        if (kimen != null) {
            kimen.run("session", "stop");
        }
    }

    @Test
    void theQuickStartWorksAsWrittenWithOnePassphrasePromptAfterSessionStart() throws Exception {
        List<String> lines = quickStart(Files.readString(Path.of("README.md"), StandardCharsets.UTF_8));
        assertTrue(lines.size() >= 5 && lines.getFirst().startsWith("kimen vault init")
                && lines.stream().anyMatch(l -> l.startsWith("kimen session start")), lines.toString());

        kimen = Kimen.in(tmp.resolve("home"), LOG);
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Files.createSymbolicLink(bin.resolve("kimen"), Kimen.LAUNCHER.toAbsolutePath());
        var env = new HashMap<>(kimen.env());
        env.put("PATH", bin + ":" + env.get("PATH"));
        env.put("TERM", "xterm-256color");
        pane = new ShellPane("bash", tmp.resolve("shell"), env, kimen.home(), "PS1='$ '\n");

        var answers = new LinkedHashMap<String, String>();
        answers.put("New passphrase for ", PASS);
        answers.put("Repeat to confirm:", PASS);
        answers.put("Passphrase for ", PASS);
        answers.put("Value for db.url:", DB_URL);
        var prompts = new ArrayList<String>();
        int afterSession = -1;
        for (int n = 0; n < lines.size(); n++) {
            String line = lines.get(n);
            prompts.addAll(pane.runAnswering(line + "; echo \"line-" + n + "-exit=$?\"", answers));
            assertTrue(pane.screen().contains("line-" + n + "-exit=0"), "`" + line + "` failed:\n" + pane.screen());
            if (line.startsWith("kimen session start")) {
                afterSession = prompts.size();
            }
        }
        assertEquals(List.of("New passphrase for ", "Repeat to confirm:", "Passphrase for ", "Value for db.url:"), prompts,
                "the whole quick start asks for the passphrase once after vault init, at session start, and never again");
        assertEquals(List.of("Value for db.url:"), prompts.subList(afterSession, prompts.size()));

        Path token = kimen.home().resolve("token.txt");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(token)));
        assertTrue(Files.readString(token).matches("[0-9a-f]{32}"), "the generated token, as stored");
        assertTrue(pane.screen().contains("<kimen:DATABASE_URL>"), "--mask shows the name: " + pane.screen());
        assertFalse(pane.screen().contains(DB_URL) || pane.screen().contains(PASS), "nothing secret on screen");
    }

    /** The quick start's commands: the first sh block after "## Quick start", comments dropped. */
    static List<String> quickStart(String readme) {
        int section = readme.indexOf("\n## Quick start\n");
        int start = readme.indexOf("```sh\n", section) + 6;
        int end = readme.indexOf("```", start);
        var lines = new ArrayList<String>();
        for (String line : readme.substring(start, end).split("\n")) {
            String command = line.replaceFirst("\\s+#\\s.*$", "").strip();
            if (!command.isEmpty()) {
                lines.add(command);
            }
        }
        return lines;
    }
}
