package dev.kimen.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the hook and {@code allow} print about a cloned repository: its directory's name may hold
 * terminal escapes (an OSC that retitles the window, a cursor move) and line breaks, which must
 * reach the terminal escaped; and {@code allow} names what the hook will never set from it.
 */
class HookOutputTest {
    @TempDir Path home;

    /** A directory name with ESC ] … BEL (set the title), ESC [ 2 J (clear) and a line break. */
    private static final String NASTY = "repo\u001b]0;owned\u0007\u001b[2J\nkimen: loaded fake";

    @Test
    void escapesInARepositorysNameReachTheTerminalEscaped() throws Exception {
        var cli = new CliRun(home);
        Path project = Files.createDirectories(home.resolve(NASTY));
        Path config = Files.writeString(project.resolve(".mima.yaml"), "env:\n  dotenv: .env\n  A: a\n");
        Files.writeString(project.resolve(".env"), "B=b\nLD_LIBRARY_PATH=/tmp/evil\n");

        var notAllowed = cli.run("hook", "bash", "--load", config.toString());
        assertEquals(0, notAllowed.code(), notAllowed.stderr());
        assertClean(notAllowed.stderr());
        assertEquals(1, notAllowed.stderr().lines().count(), "one line, not a forged second one: " + notAllowed.stderr());

        var allowed = cli.run("allow", project.toString());
        assertEquals(0, allowed.code(), allowed.stderr());
        assertClean(allowed.out());
        assertTrue(allowed.out().contains("never set from its dotenv files") && allowed.out().contains("LD_LIBRARY_PATH"),
                allowed.out());
        var json = cli.run("allow", project.toString(), "--json").json();
        assertEquals(java.util.List.of("LD_LIBRARY_PATH"), json.getArray("refused").stream().toList());

        var loaded = cli.run("hook", "bash", "--load", config.toString());
        assertClean(loaded.stderr());
        assertTrue(loaded.stderr().contains("LD_LIBRARY_PATH makes programs load code; not set"), loaded.stderr());
        assertFalse(loaded.out().contains("LD_LIBRARY_PATH"), loaded.out());
    }

    /** Issue 23: allow's summary is what the hook will do; a group named like a builtin is not made a function. */
    @Test
    void allowSaysWhichGroupsTheHookSkipsAndTheSeedsPathAddIsTheDirective() throws Exception {
        var cli = new CliRun(home);
        Path project = Files.createDirectories(home.resolve("app"));
        Path config = Files.writeString(project.resolve(".mima.yaml"),
                "groups:\n  cd:\n    A: a\n  dev:\n    B: b\nenv:\n  PATH_add: [bin]\n");
        var allowed = cli.run("allow", project.toString());
        assertEquals(0, allowed.code(), allowed.stderr());
        assertTrue(allowed.out().contains("groups dev (as shell functions); groups cd skipped as shell functions, as they"
                + " are builtins or keywords of the shell (run them with: kimen run <group> -- <command>)"), allowed.out());
        assertTrue(allowed.out().contains("path_add bin"), allowed.out());

        var loaded = cli.run("hook", "bash", "--load", config.toString());
        assertTrue(loaded.out().contains("_kimen_path '" + project.resolve("bin") + "'"), loaded.out());
        assertFalse(loaded.out().contains("PATH_add"), "PATH_add is not a variable: " + loaded.out());
        assertFalse(loaded.out().contains("_kimen_fn 'cd'"), loaded.out());
        assertTrue(loaded.out().contains("_kimen_fn 'dev'"), loaded.out());
    }

    private static void assertClean(String text) {
        assertFalse(text.chars().anyMatch(c -> c == 0x1b || c == 0x07), "a raw escape reached the terminal: " + text);
    }
}
