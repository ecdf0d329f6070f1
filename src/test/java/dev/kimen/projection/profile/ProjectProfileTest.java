package dev.kimen.projection.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The project's default profile: the nearest .kimen/ upwards, default.kmap or the named override. */
class ProjectProfileTest {
    @TempDir Path tmp;
    Path project;
    Path deep;

    @BeforeEach
    void setUp() throws Exception {
        project = tmp.resolve("project");
        deep = Files.createDirectories(project.resolve("a/b"));
        Files.createDirectories(project.resolve(".kimen/profiles"));
        Files.writeString(project.resolve(".kimen/profiles/default.kmap"), "env A=const:1\n");
        Files.writeString(project.resolve(".kimen/profiles/prod.kmap"), "env A=const:2\n");
    }

    /** The walk goes up past the temp dir: a stray .kimen/ above it would be a project. */
    private void assumeNoProjectAboveTmp() {
        for (Path dir = tmp.toAbsolutePath(); dir != null; dir = dir.getParent()) {
            org.junit.jupiter.api.Assumptions.assumeFalse(Files.isDirectory(dir.resolve(".kimen")), dir + " has a .kimen/");
        }
    }

    private static Reason reason(Path cwd) {
        return assertThrows(KimenException.class, () -> ProjectProfile.find(cwd)).reason();
    }

    @Test
    void theNearestKimenDirUpwardsIsTheProject() throws Exception {
        var p = ProjectProfile.find(deep);
        assertEquals(project, p.root());
        assertEquals("default", p.name());
        assertEquals(project.resolve(".kimen/profiles/default.kmap"), p.map());
        assertEquals(project, ProjectProfile.find(project).root());

        // a nested project wins over the outer one, even without a default of its own
        Files.createDirectories(deep.resolve(".kimen"));
        assertEquals(Reason.PROFILE_NOT_FOUND, reason(deep));
        assertEquals(project, ProjectProfile.find(project.resolve("a")).root());
    }

    @Test
    void defaultProfileFileNamesAnotherProfileOfTheSameProject() throws Exception {
        Path override = project.resolve(".kimen/default-profile");
        Files.writeString(override, "  prod\n");
        assertEquals(project.resolve(".kimen/profiles/prod.kmap"), ProjectProfile.find(deep).map());

        Files.writeString(override, "staging\n");
        var missing = assertThrows(KimenException.class, () -> ProjectProfile.find(deep));
        assertEquals(Reason.PROFILE_NOT_FOUND, missing.reason());
        assertTrue(missing.hint().contains(override.toString()), missing.hint());

        for (String bad : new String[] {"", "\n", "../prod", "prod\nci\n", "two words", ".."}) {
            Files.writeString(override, bad);
            assertEquals(Reason.INVALID_CONFIG, reason(deep), bad);
        }
    }

    @Test
    void noProjectAnywhereUpIsProfileNotFound() {
        assumeNoProjectAboveTmp();
        var e = assertThrows(KimenException.class, () -> ProjectProfile.find(tmp));
        assertEquals(Reason.PROFILE_NOT_FOUND, e.reason());
        assertTrue(e.getMessage().contains(".kimen/"), e.getMessage());
        assertTrue(e.hint() != null && e.hint().contains("default.kmap"), e.hint());
    }

    @Test
    void aKimenFileIsNotAProject() throws Exception {
        assumeNoProjectAboveTmp();
        Path other = Files.createDirectories(tmp.resolve("other/x"));
        Files.writeString(tmp.resolve("other/.kimen"), "");
        assertEquals(Reason.PROFILE_NOT_FOUND, reason(other));
    }
}
