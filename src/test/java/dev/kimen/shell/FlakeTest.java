package dev.kimen.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * use_flake: which of {@code nix print-dev-env --json}'s variables are exported, and the cache
 * that spares running nix while flake.lock and flake.nix are unchanged. nix itself is not run
 * here: a miss is seen by the progress line {@code variables} prints before it starts nix.
 */
class FlakeTest {
    @TempDir
    Path tmp;

    Path dir;
    Path cacheDir;
    Flake flake;
    List<String> progress;

    @BeforeEach
    void setUp() throws IOException {
        dir = Files.createDirectories(tmp.resolve("proj"));
        cacheDir = tmp.resolve("cache/flake");
        flake = new Flake(cacheDir);
        progress = new ArrayList<>();
    }

    static Map<String, String> exported(String json) {
        return Flake.exported(json.getBytes(StandardCharsets.UTF_8), Path.of("/proj"));
    }

    /** A trimmed print-dev-env document: every kind of variable it holds. */
    static final String DOCUMENT = """
            {
              "bashFunctions": {"genericBuild": "..."},
              "variables": {
                "name": {"type": "exported", "value": "nix-shell"},
                "PATH": {"type": "exported", "value": "/nix/store/a-go/bin:/nix/store/b-git/bin"},
                "GOPATH": {"type": "exported", "value": "/tmp/go"},
                "EMPTY": {"type": "exported", "value": ""},
                "QUOTES": {"type": "exported", "value": "it's \\"q\\"\\n\\u00fcn\\u00ef $HOME"},
                "LOCAL": {"type": "var", "value": "not exported"},
                "outputs": {"type": "array", "value": ["out"]},
                "EXPORTED_ARRAY": {"type": "exported", "value": ["a", "b"]},
                "ASSOC": {"type": "associative", "value": {"a": "b"}},
                "NUMBER": {"type": "exported", "value": 3},
                "NULLED": {"type": "exported", "value": null},
                "UNTYPED": {"value": "x"},
                "NOT_AN_OBJECT": "x",
                "bad-name": {"type": "exported", "value": "x"},
                "1ST": {"type": "exported", "value": "x"},
                "HAS_NUL": {"type": "exported", "value": "a\\u0000b"},
                "HOME": {"type": "exported", "value": "/homeless-shelter"},
                "TMPDIR": {"type": "exported", "value": "/tmp/nix-shell"},
                "TEMP": {"type": "exported", "value": "/tmp"},
                "TEMPDIR": {"type": "exported", "value": "/tmp"},
                "TMP": {"type": "exported", "value": "/tmp"},
                "NIX_BUILD_TOP": {"type": "exported", "value": "/tmp"},
                "NIX_LOG_FD": {"type": "exported", "value": "2"},
                "NIX_ENFORCE_PURITY": {"type": "exported", "value": "1"},
                "SHELL": {"type": "exported", "value": "/nix/store/bash/bin/bash"},
                "TERM": {"type": "exported", "value": "xterm"},
                "TZ": {"type": "exported", "value": "UTC"},
                "SSL_CERT_FILE": {"type": "exported", "value": "/no-cert-file.crt"},
                "PWD": {"type": "exported", "value": "/build"},
                "SHLVL": {"type": "exported", "value": "1"},
                "USER": {"type": "exported", "value": "nixbld"},
                "HOSTNAME": {"type": "exported", "value": "localhost"}
              }
            }
            """;

    @Test
    void onlyExportedStringsAreKeptInNameOrder() {
        Map<String, String> vars = exported(DOCUMENT);
        var expected = new LinkedHashMap<String, String>();
        expected.put("EMPTY", "");
        expected.put("GOPATH", "/tmp/go");
        expected.put("PATH", "/nix/store/a-go/bin:/nix/store/b-git/bin");
        expected.put("QUOTES", "it's \"q\"\n\u00fcn\u00ef $HOME");
        expected.put("name", "nix-shell");
        assertEquals(expected, vars);
        assertEquals(List.copyOf(expected.keySet()), List.copyOf(vars.keySet()), "name order");
    }

    @Test
    void everyIgnoredNameIsDropped() {
        var doc = new StringBuilder("{\"variables\": {");
        for (String name : Flake.IGNORED) {
            doc.append('"').append(name).append("\": {\"type\": \"exported\", \"value\": \"x\"}, ");
        }
        doc.append("\"KEPT\": {\"type\": \"exported\", \"value\": \"x\"}}}");
        assertEquals(Map.of("KEPT", "x"), exported(doc.toString()));
        assertTrue(Flake.IGNORED.containsAll(List.of("HOME", "TMPDIR", "TEMP", "TMP", "TEMPDIR", "NIX_BUILD_TOP",
                "SHELL", "TERM", "TZ", "PWD", "OLDPWD", "SHLVL")));
        assertFalse(Flake.IGNORED.contains("PATH"), "PATH is merged by the hook, not dropped");
    }

    @Test
    void noVariablesAtAllIsAnEmptyMap() {
        assertEquals(Map.of(), exported("{\"variables\": {}}"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}", "{\"bashFunctions\": {}}", "{\"variables\": []}", "{\"variables\": \"x\"}",
            "{\"variables\": null}"})
    void aDocumentWithoutAVariablesObjectIsExecSourceFailed(String json) {
        var e = assertThrows(KimenException.class, () -> exported(json));
        assertEquals(Reason.EXEC_SOURCE_FAILED, e.reason());
        assertTrue(e.getMessage().contains("printed no \"variables\" object"), e.getMessage());
        assertTrue(e.getMessage().contains("/proj"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "not json", "[]", "{\"variables\": {", "error: flake.nix not found"})
    void outputThatIsNotAJsonObjectIsExecSourceFailed(String out) {
        var e = assertThrows(KimenException.class, () -> exported(out));
        assertEquals(Reason.EXEC_SOURCE_FAILED, e.reason());
        assertTrue(e.getMessage().contains("did not print a JSON document"), e.getMessage());
    }

    @Test
    void theHooksOwnNamesAreDropped() {
        assertEquals(Map.of("KEPT", "x"), exported("{\"variables\": {"
                + "\"_kimen_undo\": {\"type\": \"exported\", \"value\": \"echo pwned\"},"
                + "\"_KIMEN_STATE\": {\"type\": \"exported\", \"value\": \"x\"},"
                + "\"KEPT\": {\"type\": \"exported\", \"value\": \"x\"}}}"));
    }

    // variables(): the cache

    /** The project in {@code dir} as the hook reads it: a .mima.yaml with use_flake (written when missing). */
    private static ProjectFile project(Path dir) throws IOException {
        Path config = dir.resolve(".mima.yaml");
        if (!Files.exists(config)) {
            Files.writeString(config, "use_flake: true\n");
        }
        return ProjectFile.read(config);
    }

    /** Where Flake caches the variables of {@code dir}: under the key ProjectFile computed. */
    private Path cacheFile(Path dir) throws IOException {
        return cacheDir.resolve(project(dir).flakeKey() + ".json");
    }

    private Path plant(Path dir, String json) throws IOException {
        Path cache = cacheFile(dir);
        Files.createDirectories(cache.getParent());
        return Files.writeString(cache, json);
    }

    private Map<String, String> variables(Path dir, List<Watch> watches) {
        try {
            ProjectFile project = project(dir);
            watches.addAll(project.watches().stream().filter(w -> w.path().getFileName().toString().startsWith("flake."))
                    .toList());
            return flake.variables(dir, project.flakeKey(), progress::add);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A miss runs nix, which is not installed here: EXEC_SOURCE_FAILED after the progress line. */
    private void assertMiss(Path dir) {
        int before = progress.size();
        var e = assertThrows(KimenException.class, () -> variables(dir, new ArrayList<>()));
        assertEquals(Reason.EXEC_SOURCE_FAILED, e.reason(), e.getMessage());
        assertEquals(before + 1, progress.size(), "the progress line before nix runs");
        assertTrue(progress.getLast().startsWith("use_flake: running nix print-dev-env in " + dir), progress.getLast());
    }

    private void writeFlake() throws IOException {
        Files.writeString(dir.resolve("flake.nix"), "{ outputs = { self }: { }; }\n");
        Files.writeString(dir.resolve("flake.lock"), "{\"nodes\": {\"root\": {}}, \"version\": 7}\n");
    }

    @Test
    void aCacheHitReturnsTheCachedVariablesWithoutRunningNix() throws IOException {
        writeFlake();
        plant(dir, "{\"A_VAR\": \"1\", \"B_VAR\": \"it's\\n2\", \"PATH\": \"/nix/store/x/bin\"}");
        var watches = new ArrayList<Watch>();
        Map<String, String> vars = variables(dir, watches);
        assertEquals(Map.of("A_VAR", "1", "B_VAR", "it's\n2", "PATH", "/nix/store/x/bin"), vars);
        assertEquals(List.of("A_VAR", "B_VAR", "PATH"), List.copyOf(vars.keySet()), "in the cached order");
        assertEquals(List.of(), progress, "nix did not run");
        assertEquals(List.of(dir.resolve("flake.lock"), dir.resolve("flake.nix")), watches.stream().map(Watch::path).toList());
        assertTrue(watches.stream().allMatch(w -> w.mtime() != null));
        assertEquals(vars, variables(dir, new ArrayList<>()), "again");
    }

    @Test
    void editingFlakeLockOrFlakeNixIsAMiss() throws IOException {
        assumeFalse(StampsTest.installed("nix"), "nix is installed: a miss would run it");
        writeFlake();
        Path first = plant(dir, "{\"A_VAR\": \"1\"}");
        assertEquals(Map.of("A_VAR", "1"), variables(dir, new ArrayList<>()));

        String lock = Files.readString(dir.resolve("flake.lock"));
        Files.writeString(dir.resolve("flake.lock"), lock.replace("7", "8"));
        assertTrue(Files.exists(first));
        assertMiss(dir);
        Path second = plant(dir, "{\"A_VAR\": \"2\"}");
        assertFalse(first.equals(second), "another cache file");
        assertEquals(Map.of("A_VAR", "2"), variables(dir, new ArrayList<>()));

        Files.writeString(dir.resolve("flake.lock"), lock);
        assertEquals(Map.of("A_VAR", "1"), variables(dir, new ArrayList<>()), "the first lock's cache again");

        Files.writeString(dir.resolve("flake.nix"), "{ outputs = { self }: { x = 1; }; }\n");
        assertMiss(dir);
    }

    @Test
    void creatingOrDeletingFlakeLockIsAMiss() throws IOException {
        assumeFalse(StampsTest.installed("nix"), "nix is installed: a miss would run it");
        Files.writeString(dir.resolve("flake.nix"), "{ }\n");
        plant(dir, "{\"NO_LOCK\": \"1\"}");
        var watches = new ArrayList<Watch>();
        assertEquals(Map.of("NO_LOCK", "1"), variables(dir, watches));
        assertNull(watches.getFirst().mtime(), "flake.lock watched while missing");
        assertNotNull(watches.getLast().mtime());
        Files.writeString(dir.resolve("flake.lock"), "{}\n");
        assertMiss(dir);
        Files.delete(dir.resolve("flake.lock"));
        assertEquals(Map.of("NO_LOCK", "1"), variables(dir, new ArrayList<>()));
    }

    @Test
    void anotherDirectoryWithTheSameFlakeIsAMiss() throws IOException {
        assumeFalse(StampsTest.installed("nix"), "nix is installed: a miss would run it");
        writeFlake();
        plant(dir, "{\"A_VAR\": \"1\"}");
        Path copy = Files.createDirectories(tmp.resolve("copy"));
        Files.copy(dir.resolve("flake.nix"), copy.resolve("flake.nix"));
        Files.copy(dir.resolve("flake.lock"), copy.resolve("flake.lock"));
        assertMiss(copy);
    }

    @ParameterizedTest
    @ValueSource(strings = {"not json", "{\"A_VAR\": 1}", "[\"A_VAR\"]", "{\"A_VAR\": {\"x\": \"y\"}}", ""})
    void aDamagedCacheIsMadeAgain(String damaged) throws IOException {
        assumeFalse(StampsTest.installed("nix"), "nix is installed: a miss would run it");
        writeFlake();
        plant(dir, damaged);
        assertMiss(dir);
    }

    @Test
    void aCacheWithANullValueIsMadeAgain() throws IOException {
        assumeFalse(StampsTest.installed("nix"), "nix is installed: a miss would run it");
        writeFlake();
        plant(dir, "{\"A_VAR\": null}");
        assertMiss(dir);
    }

    @Test
    void withoutNixTheErrorSaysSo() throws IOException {
        assumeFalse(StampsTest.installed("nix"), "nix is installed");
        writeFlake();
        var e = assertThrows(KimenException.class, () -> variables(dir, new ArrayList<>()));
        assertEquals(Reason.EXEC_SOURCE_FAILED, e.reason());
        assertTrue(e.getMessage().contains("'nix'") && e.getMessage().contains("not found"), e.getMessage());
        assertFalse(Files.exists(cacheFile(dir)), "nothing cached from a failure");
    }
}
