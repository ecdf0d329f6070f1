package dev.kimen.mima;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/** ~/.mima.yaml read and changed as mima writes it, and as people hand-edit it. */
class MimaFileTest {
    @TempDir
    Path tmp;

    private Path file() {
        return tmp.resolve(".mima.yaml");
    }

    private MimaFile update(java.util.function.Consumer<MimaFile> change) {
        return MimaFile.update(file(), tmp.resolve("lock"), change);
    }

    @Test
    void aHandEditedFileKeepsItsCommentsOrderAndOtherKeysThroughALink() throws Exception {
        Files.writeString(file(), """
                # my secrets, by project
                editor: vim   # not mima's, must survive
                groups:
                  # agents get narrow groups
                  agent:
                    OPENAI_API_KEY: openai-key
                    ANTHROPIC_API_KEY: "anthropic-key"
                  dev: {DATABASE_URL: dev-db}
                """);
        update(m -> m.link("agent", "GITHUB_TOKEN", "gh-readonly"));
        String text = Files.readString(file());
        assertTrue(text.contains("# my secrets, by project") && text.contains("# agents get narrow groups"), text);
        assertTrue(text.contains("editor: vim"), text);
        Map<String, Map<String, String>> groups = MimaFile.read(file()).groups();
        assertEquals(List.of("agent", "dev"), List.copyOf(groups.keySet()));
        assertEquals(List.of("OPENAI_API_KEY", "ANTHROPIC_API_KEY", "GITHUB_TOKEN"), List.copyOf(groups.get("agent").keySet()));
        assertEquals("anthropic-key", groups.get("agent").get("ANTHROPIC_API_KEY"));
        assertEquals(Map.of("DATABASE_URL", "dev-db"), groups.get("dev"));
    }

    @Test
    void aNewFileIsMimasFormatAndScalarsStayStrings() throws Exception {
        update(m -> {
            m.link("dev", "FLAG", "yes");
            m.link("dev", "PORT", "5432");
            m.link("dev", "DATABASE_URL", "dev-db");
        });
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file())));
        // What any YAML reader (mima's own included) makes of it: strings, not true and 5432.
        Object parsed = new Load(LoadSettings.builder().build()).loadFromString(Files.readString(file()));
        assertEquals(Map.of("groups", Map.of("dev", Map.of("FLAG", "yes", "PORT", "5432", "DATABASE_URL", "dev-db"))), parsed);
        assertTrue(Files.readString(file()).contains("FLAG: \"yes\""), "quoted for YAML 1.1 readers too");

        update(m -> m.link("dev", "PORT", "other"));
        assertEquals("other", MimaFile.read(file()).groups().get("dev").get("PORT"));
        update(m -> assertTrue(m.unlink("dev", "PORT")));
        update(m -> assertFalse(m.unlink("dev", "PORT")));
        update(m -> assertTrue(m.removeGroup("dev")));
        assertEquals(Map.of(), MimaFile.read(file()).groups());
    }

    @Test
    void aSymlinkedFileIsWrittenWhereItPoints() throws Exception {
        Path real = Files.createDirectories(tmp.resolve("dotfiles")).resolve("mima.yaml");
        Files.writeString(real, "groups: {}\n");
        Files.createSymbolicLink(file(), real);
        update(m -> m.link("g", "A", "a"));
        assertTrue(Files.isSymbolicLink(file()));
        assertEquals(Map.of("g", Map.of("A", "a")), MimaFile.read(real).groups());
    }

    @Test
    void brokenFilesAreOneLineErrorsWithALineNumber() throws Exception {
        for (var broken : Map.of(
                "groups: [a, b]\n", ":1: groups must be a mapping",
                "groups:\n  agent: just-a-string\n", ":2: group agent must be a mapping",
                "groups:\n  agent:\n    A: [x]\n", ":3: the secret of agent.A must be a plain string",
                "groups:\n  agent:\n    A: x\n    A: y\n", ":4: A appears twice in group agent",
                "groups: {a: b\n", "not valid YAML",
                "groups:\n  ok: {}\n  \"two words\": {A: b}\n", ":3: 'two words' is not a group name",
                "groups:\n  a: {A: b}\n  b: [\n", ":4: not valid YAML: expected the node content").entrySet()) {
            Files.writeString(file(), broken.getKey());
            var e = assertThrows(KimenException.class, () -> MimaFile.read(file()));
            assertEquals(Reason.INVALID_CONFIG, e.reason());
            assertTrue(e.getMessage().contains(broken.getValue()), broken.getKey() + " -> " + e.getMessage());
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
            byte[] before = Files.readAllBytes(file());
            assertThrows(KimenException.class, () -> update(m -> m.link("x", "Y", "z")));
            assertEquals(new String(before), Files.readString(file()), "a broken file is not rewritten");
        }
    }

    @Test
    void aFileWithAliasesIsReadButNeverRewritten() throws Exception {
        String text = "groups:\n  dev: &d {DATABASE_URL: dev-db}\n  prod: *d\n";
        Files.writeString(file(), text);
        assertEquals(Map.of("DATABASE_URL", "dev-db"), MimaFile.read(file()).groups().get("prod"));
        var e = assertThrows(KimenException.class, () -> update(m -> m.link("prod", "STRIPE", "stripe-live")));
        assertTrue(e.getMessage().contains("anchors and aliases"), e.getMessage());
        assertEquals(text, Files.readString(file()), "dev is not changed through prod");
    }

    @Test
    void emptyAndMissingFilesHaveNoGroups() throws Exception {
        assertEquals(Map.of(), MimaFile.read(file()).groups());
        Files.writeString(file(), "# nothing yet\n");
        assertEquals(Map.of(), MimaFile.read(file()).groups());
        Files.writeString(file(), "groups:\n  empty:\n  tilde: ~\n");
        assertEquals(Map.of("empty", Map.of(), "tilde", Map.of()), MimaFile.read(file()).groups());
    }
}
