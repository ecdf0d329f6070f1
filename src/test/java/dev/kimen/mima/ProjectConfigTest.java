package dev.kimen.mima;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A project's .mima.yaml: what a full one says, and the line each mistake is reported at. */
class ProjectConfigTest {
    @TempDir
    Path tmp;

    private Path file() {
        return tmp.resolve("proj").resolve(ProjectConfig.FILE_NAME);
    }

    private ProjectConfig parse(String yaml) {
        return ProjectConfig.parse(file(), yaml.getBytes(StandardCharsets.UTF_8));
    }

    /** Parsing {@code yaml} fails with INVALID_CONFIG naming the file and {@code line}; the message is returned. */
    private String refused(String yaml, int line) {
        var e = assertThrows(KimenException.class, () -> parse(yaml), yaml);
        assertEquals(Reason.INVALID_CONFIG, e.reason(), e.getMessage());
        assertTrue(e.getMessage().startsWith(file() + ":" + line + ": "), e.getMessage());
        return e.getMessage();
    }

    @Test
    void aFullConfigParses() {
        ProjectConfig c = parse("""
                # a project's config
                groups:
                  dev:
                    DATABASE_URL: dev-db-url
                    API_KEY: "api-key"
                  flow: {TOKEN: tok}
                  saas: my-saas          # a group of ~/.mima.yaml
                  empty:
                env:
                  NODE_ENV: development
                  PORT: 5432
                  RATIO: 1.50
                  HEX: 0x1F
                  DEBUG: true
                  FLAG: yes
                  OFF: off
                  NOTHING: ""
                  QUOTED: 'it''s # not a comment'
                  dotenv: .env
                  path_add: [bin, node_modules/.bin]
                use_flake: true
                auto_export: True
                """);
        assertEquals(file(), c.file());
        assertEquals(List.of("dev", "flow", "saas", "empty"), List.copyOf(c.groups().keySet()));
        var dev = new LinkedHashMap<String, String>();
        dev.put("DATABASE_URL", "dev-db-url");
        dev.put("API_KEY", "api-key");
        assertEquals(new ProjectConfig.Group.Links(dev), c.groups().get("dev"));
        assertEquals(List.of("DATABASE_URL", "API_KEY"),
                List.copyOf(((ProjectConfig.Group.Links) c.groups().get("dev")).links().keySet()), "file order");
        assertEquals(new ProjectConfig.Group.Links(Map.of("TOKEN", "tok")), c.groups().get("flow"));
        assertEquals(new ProjectConfig.Group.UserGroup("my-saas"), c.groups().get("saas"));
        assertEquals(new ProjectConfig.Group.Links(Map.of()), c.groups().get("empty"));

        var env = new LinkedHashMap<String, String>();
        env.put("NODE_ENV", "development");
        env.put("PORT", "5432");
        env.put("RATIO", "1.50");
        env.put("HEX", "0x1F");
        env.put("DEBUG", "true");
        env.put("FLAG", "yes");
        env.put("OFF", "off");
        env.put("NOTHING", "");
        env.put("QUOTED", "it's # not a comment");
        assertEquals(env, c.env(), "numbers and booleans stay the text that was written");
        assertEquals(List.copyOf(env.keySet()), List.copyOf(c.env().keySet()), "file order");
        assertEquals(List.of(".env"), c.dotenv());
        assertEquals(List.of("bin", "node_modules/.bin"), c.pathAdd());
        assertTrue(c.useFlake());
        assertTrue(c.autoExport());
        assertEquals(file().getParent(), c.dir());
        assertEquals(List.of(file().getParent().resolve(".env")), c.dotenvFiles());
    }

    @Test
    void dotenvAsAListAndPathAddAsAScalar() {
        ProjectConfig c = parse("""
                env:
                  dotenv:
                    - .env
                    - ../shared/.env
                    - /etc/abs.env
                  path_add: tools
                """);
        assertEquals(List.of(".env", "../shared/.env", "/etc/abs.env"), c.dotenv());
        Path dir = file().getParent();
        assertEquals(List.of(dir.resolve(".env"), dir.getParent().resolve("shared/.env"), Path.of("/etc/abs.env")),
                c.dotenvFiles());
        assertEquals(List.of("tools"), c.pathAdd());
        assertFalse(c.useFlake());
        assertFalse(c.autoExport());
        assertEquals(Map.of(), c.groups());
        assertEquals(Map.of(), c.env());
    }

    @Test
    void theSeedsPathAddSpellingIsTheDirectiveNotAVariable() {
        ProjectConfig c = parse("env:\n  PATH_add: [bin, tools]\n");
        assertEquals(List.of("bin", "tools"), c.pathAdd());
        assertEquals(Map.of(), c.env());
        String m = refused("env:\n  PATH_add: bin\n  path_add: tools\n", 3);
        assertTrue(m.contains("path_add appears twice") && m.contains("one directive"), m);
    }

    @Test
    void falseAndEmptyValuesAreTheDefaults() {
        ProjectConfig c = parse("groups:\nenv:\nuse_flake: false\nauto_export: FALSE\n");
        assertFalse(c.useFlake());
        assertFalse(c.autoExport());
        assertEquals(Map.of(), c.groups());
        assertEquals(Map.of(), c.env());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "\n", "# only a comment\n", "---\n", "~\n"})
    void anEmptyFileIsAnEmptyConfig(String yaml) {
        ProjectConfig c = parse(yaml);
        assertEquals(Map.of(), c.groups());
        assertEquals(Map.of(), c.env());
        assertEquals(List.of(), c.dotenv());
        assertEquals(List.of(), c.pathAdd());
        assertFalse(c.useFlake());
        assertFalse(c.autoExport());
    }

    @Test
    void theResultCannotBeChanged() {
        ProjectConfig c = parse("groups: {dev: {A: a}}\nenv: {X: x, dotenv: [.env]}\n");
        assertThrows(UnsupportedOperationException.class, () -> c.env().put("Y", "y"));
        assertThrows(UnsupportedOperationException.class, () -> c.groups().remove("dev"));
        assertThrows(UnsupportedOperationException.class, () -> c.dotenv().add("other"));
    }

    @Test
    void aMisspeltTopLevelKeyIsRefusedAtItsLine() {
        String m = refused("groups: {}\nauto_exprot: true\n", 2);
        assertTrue(m.contains("unknown key 'auto_exprot'"), m);
        refused("env: {}\n\ndotenv: .env\n", 3); // a directive of env, not a key of its own
    }

    @ParameterizedTest
    @ValueSource(strings = {"yes", "no", "on", "off", "1", "0", "\"true\"", "'false'", "[true]", "{a: b}", "y"})
    void autoExportTakesOnlyCoreSchemaBooleans(String value) {
        String m = refused("# comment\nauto_export: " + value + "\n", 2);
        assertTrue(m.contains("auto_export must be true or false"), m);
        m = refused("use_flake: " + value + "\n", 1);
        assertTrue(m.contains("use_flake must be true or false"), m);
    }

    /** An explicit !!bool tag on a word that is not a core-schema boolean is still only a word. */
    @Test
    void anExplicitBoolTagOnANonBooleanWordIsRefused() {
        refused("auto_export: !!bool yes\n", 1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1dev", "-dev", "my group", "dev.x", "d\u00e9v", "a2345678901234567890123456789012345678901234567890123456789012345"})
    void aBadGroupNameIsRefusedAtItsLine(String name) {
        String m = refused("groups:\n  ok: {A: a}\n  \"" + name + "\": {A: a}\n", 3);
        assertTrue(m.contains("is not a group name"), m);
    }

    @Test
    void aGroupNamedAfterAUserGroupMustBeAGroupName() {
        String m = refused("groups:\n  saas: my saas\n", 2);
        assertTrue(m.contains("is not the name of a group in ~/.mima.yaml"), m);
        refused("groups:\n  dev: [A, B]\n", 2);
        refused("groups:\n  dev:\n    A: [x]\n", 3);
        refused("groups:\n  dev:\n    A:\n", 3);
        refused("groups: [dev]\n", 1);
    }

    @Test
    void aGroupGivenTwiceIsRefusedAtTheSecond() {
        String m = refused("groups:\n  dev: {A: a}\n  other: {B: b}\n  dev: {C: c}\n", 4);
        assertTrue(m.contains("group dev appears twice"), m);
        refused("groups:\n  dev: {A: a, A: b}\n", 2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1ABC", "MY-VAR", "MY VAR", "A.B", "\u00c9T\u00c9", "A=B"})
    void aBadEnvNameIsRefusedAtItsLine(String name) {
        String m = refused("env:\n  OK: fine\n  \"" + name + "\": x\n", 3);
        assertTrue(m.contains("is not an environment variable name"), m);
    }

    @ParameterizedTest
    @ValueSource(strings = {"_kimen_undo", "_kimen", "_KIMEN_STATE", "_Kimen_x", "KIMEN_PASSPHRASE", "MIMA_X",
            "PROMPT_COMMAND", "BASH_ENV", "ENV", "PS1", "IFS", "HOME", "ZDOTDIR", "LD_PRELOAD", "PATH", "fish_function_path",
            "precmd_functions", "LD_LIBRARY_PATH", "LD_AUDIT", "DYLD_LIBRARY_PATH", "GIT_SSH_COMMAND", "GIT_CONFIG_COUNT",
            "NODE_OPTIONS", "PERL5OPT", "PYTHONSTARTUP", "PYTHONPATH", "RUBYOPT", "JAVA_TOOL_OPTIONS", "EDITOR", "PAGER",
            "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_RUNTIME_DIR"})
    void namesThatSteerTheShellLoadCodeOrConfigureKimenAreRefused(String name) {
        String m = refused("env:\n  " + name + ": x\n", 2);
        assertTrue(m.contains(name + " " + dev.kimen.shell.RefusedVariables.why(name) + ", so a project may not set it"), m);
        assertTrue(m.matches(".*(steers the shell|makes programs load code|names a command other programs run"
                + "|configures kimen).*"), m);
    }

    @Test
    void namesThatOnlyLookLikeProtectedOnesAreFine() {
        assertEquals(Map.of("kimenx", "1", "_kime", "2", "X_kimen", "3", "PS5", "4", "MY_PATH", "5"),
                parse("env: {kimenx: 1, _kime: 2, X_kimen: 3, PS5: 4, MY_PATH: 5}\n").env());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "~", "null", "Null", "[a, b]", "{a: b}"})
    void anEnvValueMustBeAScalarAndNotNull(String value) {
        String m = refused("env:\n  A: a\n  B: " + value + "\n", 3);
        assertTrue(m.contains("env B must be a value"), m);
    }

    @Test
    void envMustBeAMapping() {
        String m = refused("groups: {}\nenv: [A, B]\n", 2);
        assertTrue(m.contains("env must be a mapping"), m);
        refused("env: NODE_ENV=dev\n", 1);
    }

    @Test
    void anEnvNameGivenTwiceIsRefusedAtTheSecond() {
        String m = refused("env:\n  A: 1\n  B: 2\n  A: 3\n", 4);
        assertTrue(m.contains("env A appears twice"), m);
    }

    @Test
    void dotenvAndPathAddMustBePaths() {
        String m = refused("env:\n  dotenv:\n    - .env\n    - {a: b}\n", 4);
        assertTrue(m.contains("dotenv: each entry must be a path"), m);
        refused("env:\n  dotenv:\n    - .env\n    - [x]\n", 4);
        refused("env:\n  dotenv:\n    - .env\n    - ~\n", 4);
        refused("env:\n  path_add: [bin, null]\n", 2);
        m = refused("env:\n  dotenv: {a: b}\n", 2);
        assertTrue(m.contains("dotenv must be a path or a list of paths"), m);
        m = refused("env:\n  path_add: ''\n", 2);
        assertTrue(m.contains("path_add: an empty path"), m);
        refused("env:\n  dotenv:\n", 2);
    }

    @Test
    void aNulInAValueIsRefused() {
        String m = refused("env:\n  A: \"x\\0y\"\n", 2);
        assertTrue(m.contains("NUL"), m);
        refused("env:\n  dotenv: \"a\\0b\"\n", 2);
    }

    @Test
    void notValidYamlIsRefusedAtItsLine() {
        String m = refused("env:\n  A: 'unterminated\n", 3);
        assertTrue(m.contains("not valid YAML"), m);
        refused("groups: {}\nenv:\n\tA: tab\n", 3);
        m = refused("- a list\n", 1);
        assertTrue(m.contains("the top level must be a mapping"), m);
    }

    /** Found by MimaFuzzTest: the YAML reader itself failed (ClassCastException) on a comment in a flow sequence. */
    @Test
    void whatTheYamlReaderChokesOnIsInvalidConfig() {
        var e = assertThrows(KimenException.class, () -> parse("[# a comment\ngroups: {}\n"));
        assertEquals(Reason.INVALID_CONFIG, e.reason(), e.getMessage());
        assertTrue(e.getMessage().startsWith(file() + ":3: not valid YAML"), e.getMessage());
    }

    @Test
    void bytesThatAreNotUtf8AreRefused() {
        byte[] bad = "env:\n  A: caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1);
        var e = assertThrows(KimenException.class, () -> ProjectConfig.parse(file(), bad));
        assertEquals(Reason.INVALID_CONFIG, e.reason());
        // Decoding fails before there are lines: the message names the file, with no line.
        assertEquals(file() + " is not UTF-8 text", e.getMessage());
        byte[] lone = {'e', 'n', 'v', ':', ' ', '{', 'A', ':', ' ', (byte) 0xed, (byte) 0xa0, (byte) 0x80, '}'};
        assertEquals(Reason.INVALID_CONFIG,
                assertThrows(KimenException.class, () -> ProjectConfig.parse(file(), lone)).reason(), "a UTF-16 surrogate");
    }

    @Test
    void aByteOrderMarkIsNotPartOfTheFirstKey() {
        byte[] bom = {(byte) 0xef, (byte) 0xbb, (byte) 0xbf};
        byte[] yaml = "env: {A: a}\n".getBytes(StandardCharsets.UTF_8);
        byte[] both = new byte[bom.length + yaml.length];
        System.arraycopy(bom, 0, both, 0, bom.length);
        System.arraycopy(yaml, 0, both, bom.length, yaml.length);
        assertEquals(Map.of("A", "a"), ProjectConfig.parse(file(), both).env());
    }

    @Test
    void aGroupOf64CharactersIsFine() {
        String name = "a" + "b".repeat(63);
        assertEquals(List.of(name), List.copyOf(parse("groups: {" + name + ": {A: a}}\n").groups().keySet()));
    }

    @Test
    void aTopLevelKeyGivenTwiceIsRefusedAtTheSecond() {
        // A reviewer reading "auto_export: false" at the top must not be overruled by a later line.
        var e = assertThrows(KimenException.class,
                () -> parse("auto_export: false\ngroups: {dev: {A: a}}\nauto_export: true\n"));
        assertEquals(Reason.INVALID_CONFIG, e.reason());
        assertTrue(e.getMessage().startsWith(file() + ":3: "), e.getMessage());
    }

    @Test
    void aDirectiveGivenTwiceIsRefusedAtTheSecond() {
        refused("env:\n  dotenv: .env\n  A: a\n  dotenv: .env.local\n", 4);
    }
}
