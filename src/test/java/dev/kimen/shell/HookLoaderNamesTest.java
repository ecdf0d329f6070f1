package dev.kimen.shell;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kimen.mima.ProjectConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Names a project may export: its dotenv files go through the same gate as its env: block. */
class HookLoaderNamesTest {
    @TempDir
    Path tmp;

    Trust trust;
    HookLoader loader;
    List<String> said;
    Path config;

    @BeforeEach
    void setUp() throws IOException {
        trust = new Trust(tmp.resolve("data/trust"));
        said = new ArrayList<>();
        loader = new HookLoader("kimen", trust, new Stamps(tmp.resolve("cache/hook")), new Flake(tmp.resolve("cache/flake")),
                said::add);
        config = Files.createDirectories(tmp.resolve("proj")).resolve(ProjectConfig.FILE_NAME);
    }

    private String load() throws IOException {
        var out = new ByteArrayOutputStream();
        try (var script = new LoadScript(Shell.BASH)) {
            loader.load(config, "", script, (project, group, s) -> List.of());
            script.writeTo(out);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void anAllowedProjectsDotenvAndEnvAreSet() throws IOException {
        Files.writeString(config, "env:\n  dotenv: .env\n  A: from-env\n");
        Files.writeString(config.resolveSibling(".env"), "B=from-dotenv\n");
        String notAllowed = load();
        assertFalse(notAllowed.contains("_kimen_set"), notAllowed);
        assertTrue(notAllowed.contains("_kimen_status 'not-allowed:"), notAllowed);
        assertTrue(said.getFirst().contains("is not allowed"), said.toString());

        trust.allow(ProjectFile.read(config));
        String script = load();
        assertTrue(script.contains("_kimen_set 'B' 'from-dotenv'\n_kimen_set 'A' 'from-env'\n"), script);
        assertTrue(script.contains("_kimen_watch '" + config.resolveSibling(".env") + "' '/"), script);
    }

    /** Variables that make programs load or run code, or move kimen's own files, are never set from a project. */
    @Test
    void aDotenvCannotLoadCodeIntoProgramsNorMoveKimensFiles() throws IOException {
        var refused = List.of("LD_LIBRARY_PATH", "LD_AUDIT", "GIT_SSH_COMMAND", "NODE_OPTIONS", "PERL5OPT", "PYTHONSTARTUP",
                "RUBYOPT", "JAVA_TOOL_OPTIONS", "BASH_ENV", "ENV", "ZDOTDIR", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "KIMEN_VAULT");
        var dotenv = new StringBuilder("FINE=1\n");
        refused.forEach(n -> dotenv.append(n).append("=x\n"));
        Files.writeString(config, "env:\n  dotenv: .env\n");
        Files.writeString(config.resolveSibling(".env"), dotenv);
        trust.allow(ProjectFile.read(config));
        String script = load();
        assertTrue(script.contains("_kimen_set 'FINE' '1'"), script);
        for (String name : refused) {
            assertFalse(script.contains("'" + name + "'"), name + " was set: " + script);
            assertTrue(said.stream().anyMatch(l -> l.contains(": " + name + " ") && l.endsWith("; not set")), name + ": " + said);
        }
        assertTrue(said.stream().anyMatch(l -> l.contains("XDG_DATA_HOME configures kimen")), said.toString());
    }

    @Test
    void groupsNamedLikeABuiltinAreNotMadeFunctionsAndShadowedCommandsAreNamed() throws IOException {
        Files.writeString(config, "groups:\n  count: {A: a}\n  unfunction: {A: a}\n  sh: {A: a}\n  dev: {A: a}\n");
        trust.allow(ProjectFile.read(config));
        String script = load();
        assertTrue(script.contains("_kimen_fn 'dev' "), script);
        assertFalse(script.contains("_kimen_fn 'count'"), script);
        assertFalse(script.contains("_kimen_fn 'unfunction'"), script);
        assertTrue(said.stream().anyMatch(l -> l.startsWith("group count is a builtin or keyword of the shell")), said.toString());
        assertTrue(said.stream().anyMatch(l -> l.startsWith("group sh hides the command ")), said.toString());
    }

    @Test
    void aDotenvThatIsNotARegularFileIsNeverOpened() throws Exception {
        Path fifo = config.resolveSibling("fifo");
        assertTrue(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0);
        Files.writeString(config, "env:\n  dotenv: [fifo, /dev/zero]\n  A: a\n");
        var read = java.util.concurrent.CompletableFuture.supplyAsync(() -> ProjectFile.read(config));
        ProjectFile project = read.get(10, java.util.concurrent.TimeUnit.SECONDS); // opening the FIFO would block
        assertTrue(project.skipped().getFirst().contains("fifo is not a regular file of at most 1 MiB"), project.skipped().toString());
        trust.allow(project);
        String script = load();
        assertTrue(script.contains("_kimen_set 'A' 'a'"), script);
        assertTrue(said.stream().anyMatch(l -> l.contains("/dev/zero is not a regular file")), said.toString());
    }

    @Test
    void aDotenvFileCannotSetTheHooksOwnVariables() throws IOException {
        Files.writeString(config, "env:\n  dotenv: .env\n");
        Files.writeString(config.resolveSibling(".env"), "_kimen_undo='echo pwned'\n_kimen_watch=x\nB=b\n");
        trust.allow(ProjectFile.read(config));
        String script = load();
        assertTrue(script.contains("_kimen_status 'loaded:"), script);
        assertFalse(script.contains("_kimen_set '_kimen"), script);
    }
}
