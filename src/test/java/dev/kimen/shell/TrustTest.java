package dev.kimen.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import dev.kimen.config.UserDirs;
import dev.kimen.mima.ProjectConfig;
import dev.kimen.shell.Trust.State;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The trust store: what allow and deny record, and what makes an allowed project "changed". */
class TrustTest {
    @TempDir
    Path tmp;

    Trust trust;
    Path proj;
    Path config;

    @BeforeEach
    void setUp() throws IOException {
        trust = new Trust(tmp.resolve("data/kimen/trust"));
        proj = Files.createDirectories(tmp.resolve("proj"));
        config = proj.resolve(ProjectConfig.FILE_NAME);
    }

    private State state(Path file) {
        return trust.state(ProjectFile.read(file));
    }

    private List<Path> entries() throws IOException {
        if (!Files.isDirectory(trust.dir())) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(trust.dir())) {
            return s.toList();
        }
    }

    @Test
    void allowThenDeny() throws IOException {
        Files.writeString(config, "env: {NODE_ENV: development}\n");
        assertEquals(State.NOT_ALLOWED, state(config));
        trust.allow(ProjectFile.read(config));
        assertEquals(State.ALLOWED, state(config));
        trust.allow(ProjectFile.read(config)); // again: no harm
        assertEquals(State.ALLOWED, state(config));
        assertEquals(1, entries().size());

        assertTrue(trust.deny(ProjectFile.read(config).real()));
        assertEquals(State.NOT_ALLOWED, state(config));
        assertFalse(trust.deny(ProjectFile.read(config).real()), "nothing left to deny");
        assertEquals(List.of(), entries());
    }

    @Test
    void editingTheConfigMakesItChangedAndUndoingTheEditAllowsItAgain() throws IOException {
        Files.writeString(config, "env: {A: one}\n");
        trust.allow(ProjectFile.read(config));
        Files.writeString(config, "env: {A: two}\n");
        assertEquals(State.CHANGED, state(config));
        Files.writeString(config, "env: {A: one}\n# a comment\n");
        assertEquals(State.CHANGED, state(config), "any byte counts, comments too");
        Files.writeString(config, "env: {A: one}\n");
        assertEquals(State.ALLOWED, state(config), "the same bytes as when allowed");

        trust.allow(ProjectFile.read(config));
        Files.writeString(config, "env: {A: [broken\n");
        ProjectFile broken = ProjectFile.read(config);
        assertNull(broken.config());
        assertEquals(Reason.INVALID_CONFIG, broken.problem().reason());
        assertEquals(State.CHANGED, trust.state(broken), "an allowed config that no longer parses");
    }

    @Test
    void editingCreatingOrDeletingADotenvFileMakesItChanged() throws IOException {
        Files.writeString(config, "env:\n  dotenv: [.env, .env.local]\n");
        Path env = proj.resolve(".env");
        Path local = proj.resolve(".env.local");
        Files.writeString(env, "A=1\n");
        ProjectFile p = ProjectFile.read(config);
        assertEquals(List.of(config, env, local), p.watches().stream().map(Watch::path).toList());
        assertEquals(List.of(env), List.copyOf(p.dotenv().keySet()), "only the files that exist");
        trust.allow(p);
        assertEquals(State.ALLOWED, state(config));

        Files.writeString(env, "A=2\n");
        assertEquals(State.CHANGED, state(config), "edited");
        Files.writeString(env, "A=1\n");
        assertEquals(State.ALLOWED, state(config));

        Files.writeString(local, "");
        assertEquals(State.CHANGED, state(config), "created, even empty");
        Files.delete(local);
        assertEquals(State.ALLOWED, state(config));

        Files.delete(env);
        assertEquals(State.CHANGED, state(config), "deleted");
        Files.writeString(env, "");
        assertEquals(State.CHANGED, state(config), "an empty file is not the file that was allowed");
    }

    @Test
    void aDotenvFileMovedToAnotherNameIsChanged() throws IOException {
        // the digest covers each file's path, not only the bytes in order
        Files.writeString(config, "env:\n  dotenv: [a.env, b.env]\n");
        Files.writeString(proj.resolve("a.env"), "X=1\n");
        trust.allow(ProjectFile.read(config));
        Files.move(proj.resolve("a.env"), proj.resolve("b.env"));
        assertEquals(State.CHANGED, state(config));
    }

    @Test
    void anInvalidConfigCannotBeAllowedAndNothingIsRecorded() throws IOException {
        Files.writeString(config, "auto_exprot: true\n");
        ProjectFile p = ProjectFile.read(config);
        assertNotNull(p.problem());
        var e = assertThrows(KimenException.class, () -> trust.allow(p));
        assertEquals(Reason.INVALID_CONFIG, e.reason());
        assertTrue(e.getMessage().contains("auto_exprot"), e.getMessage());
        assertEquals(List.of(), entries());
        assertEquals(State.NOT_ALLOWED, trust.state(p));
    }

    @Test
    void readingAMissingConfigIsConfigNotFound() {
        var e = assertThrows(KimenException.class, () -> ProjectFile.read(config));
        assertEquals(Reason.CONFIG_NOT_FOUND, e.reason());
    }

    @Test
    void theEntryIsPrivateAndHoldsTheDigestAndTheRealPath() throws IOException {
        Files.writeString(config, "groups: {dev: {A: a}}\n");
        ProjectFile p = ProjectFile.read(config);
        trust.allow(p);
        List<Path> entries = entries();
        assertEquals(1, entries.size(), "no temp file left behind: " + entries);
        Path entry = entries.getFirst();
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(entry)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(trust.dir())));
        assertEquals(List.of(p.digest(), p.real().toString()), Files.readAllLines(entry));
        assertTrue(p.digest().matches("[0-9a-f]{64}"), p.digest());
        assertFalse(entry.getFileName().toString().contains(proj.getFileName().toString()), "named by a hash");
    }

    @Test
    void allowAndDenyChangeTheStoresMtimeWhichTheHookWatches() throws IOException {
        Files.writeString(config, "env: {A: a}\n");
        FileTime past = FileTime.from(Instant.parse("2020-01-01T00:00:00Z"));
        trust.allow(ProjectFile.read(config));
        Files.setLastModifiedTime(trust.dir(), past);
        trust.allow(ProjectFile.read(config));
        assertTrue(Files.getLastModifiedTime(trust.dir()).compareTo(past) > 0, "allow");
        Files.setLastModifiedTime(trust.dir(), past);
        assertTrue(trust.deny(ProjectFile.read(config).real()));
        assertTrue(Files.getLastModifiedTime(trust.dir()).compareTo(past) > 0, "deny");
    }

    @Test
    void aSymlinkedConfigIsTrustedForItsProjectWhoseDirectoryLinksAreResolved() throws IOException {
        Path dotfiles = Files.createDirectories(tmp.resolve("dotfiles"));
        Path target = dotfiles.resolve("app.mima.yaml");
        Files.writeString(target, "env: {A: a}\n");
        Files.createSymbolicLink(config, target);
        Path projLink = Files.createSymbolicLink(tmp.resolve("proj-link"), proj);

        ProjectFile viaLink = ProjectFile.read(config);
        assertEquals(config, viaLink.file(), "the path as the shell found it");
        assertEquals(proj.toRealPath().resolve(ProjectConfig.FILE_NAME), viaLink.real(), "the project's, not the target's");
        assertEquals(State.NOT_ALLOWED, trust.state(viaLink));
        trust.allow(viaLink);
        assertEquals(State.ALLOWED, state(config));
        assertEquals(State.ALLOWED, state(projLink.resolve(ProjectConfig.FILE_NAME)), "reached through a linked directory");
        assertEquals(State.NOT_ALLOWED, state(target), "the shared file itself is another project");

        Files.writeString(target, "env: {A: b}\n");
        assertEquals(State.CHANGED, state(config), "editing the target");

        assertTrue(trust.deny(ProjectFile.trustPath(config)));
        assertEquals(State.NOT_ALLOWED, state(config));
    }

    @Test
    void aLinkRetargetedToOtherContentIsNotAllowed() throws IOException {
        Path a = Files.writeString(tmp.resolve("a.yaml"), "env: {A: a}\n");
        Path b = Files.writeString(tmp.resolve("b.yaml"), "env: {A: b}\n");
        Path c = Files.writeString(tmp.resolve("c.yaml"), "env: {A: a}\n");
        Files.createSymbolicLink(config, a);
        trust.allow(ProjectFile.read(config));
        Files.delete(config);
        Files.createSymbolicLink(config, b);
        assertEquals(State.CHANGED, state(config), "other bytes");
        Files.delete(config);
        Files.createSymbolicLink(config, c);
        assertEquals(State.ALLOWED, state(config), "the same bytes for the same project load the same way");
    }

    /**
     * Two projects sharing one config through symlinks, with a dotenv file each: the dotenv path
     * resolves next to each link, but there is one trust entry for the shared real file.
     */
    @Test
    void twoProjectsLinkingOneSharedConfigCanBothBeAllowed() throws IOException {
        Path shared = Files.writeString(tmp.resolve("shared.mima.yaml"), "env:\n  dotenv: .env\n");
        Path other = Files.createDirectories(tmp.resolve("other"));
        Path otherConfig = other.resolve(ProjectConfig.FILE_NAME);
        Files.createSymbolicLink(config, shared);
        Files.createSymbolicLink(otherConfig, shared);
        Files.writeString(proj.resolve(".env"), "A=1\n");
        Files.writeString(other.resolve(".env"), "A=2\n");
        trust.allow(ProjectFile.read(config));
        trust.allow(ProjectFile.read(otherConfig));
        assertEquals(State.ALLOWED, state(otherConfig));
        assertEquals(State.ALLOWED, state(config), "allowing the other project must not revoke this one");
    }

    @Test
    void twoConfigsDoNotInterfere() throws IOException {
        Path other = Files.createDirectories(tmp.resolve("other")).resolve(ProjectConfig.FILE_NAME);
        Files.writeString(config, "env: {A: a}\n");
        Files.writeString(other, "env: {A: a}\n");
        assertEquals(State.NOT_ALLOWED, state(config));
        trust.allow(ProjectFile.read(config));
        assertEquals(State.ALLOWED, state(config));
        assertEquals(State.NOT_ALLOWED, state(other), "same content, another file");
        assertFalse(trust.deny(ProjectFile.read(other).real()));
        assertEquals(State.ALLOWED, state(config));

        trust.allow(ProjectFile.read(other));
        Files.writeString(other, "env: {A: b}\n");
        assertEquals(State.CHANGED, state(other));
        assertEquals(State.ALLOWED, state(config));
        assertTrue(trust.deny(ProjectFile.read(config).real()));
        assertEquals(State.CHANGED, state(other));
        assertEquals(State.NOT_ALLOWED, state(config));
        assertEquals(1, entries().size());
    }

    @Test
    void theStoreLivesInTheUsersDataDir() {
        var dirs = new UserDirs(tmp.resolve("home"), tmp.resolve("cfg"), tmp.resolve("cache"), tmp.resolve("data"));
        Path dir = Trust.of(dirs).dir();
        assertTrue(dir.startsWith(tmp.resolve("data")), dir.toString());
        assertEquals("trust", dir.getFileName().toString());
    }

    // ProjectFile.nearest

    private void assumeNoConfigAbove(Path dir) {
        for (Path d = dir.toAbsolutePath().getParent(); d != null; d = d.getParent()) {
            assumeTrue(!Files.exists(d.resolve(ProjectConfig.FILE_NAME)), "a " + d + "/.mima.yaml outside the test");
        }
    }

    @Test
    void nearestFindsTheClosestConfigWalkingUp() throws IOException {
        Path home = Files.createDirectories(tmp.resolve("home"));
        Files.writeString(home.resolve(".mima.yaml"), "groups: {}\n");
        Path app = Files.createDirectories(home.resolve("src/app"));
        Path deep = Files.createDirectories(app.resolve("sub/deeper"));
        Files.writeString(app.resolve(".mima.yaml"), "");
        assertEquals(Optional.of(app.resolve(".mima.yaml")), ProjectFile.nearest(deep, home));
        assertEquals(Optional.of(app.resolve(".mima.yaml")), ProjectFile.nearest(app, home));
        Files.writeString(deep.resolve(".mima.yaml"), "");
        assertEquals(Optional.of(deep.resolve(".mima.yaml")), ProjectFile.nearest(deep, home), "the closest one");
        assertEquals(Optional.of(app.resolve(".mima.yaml")), ProjectFile.nearest(deep.resolve("../x/.."), home),
                "a path with .. is normalized");
    }

    @Test
    void nearestSkipsTheUsersOwnFileAndFindsNothing() throws IOException {
        assumeNoConfigAbove(tmp);
        Path home = Files.createDirectories(tmp.resolve("home"));
        Files.writeString(home.resolve(".mima.yaml"), "groups: {dev: {A: a}}\n");
        Path src = Files.createDirectories(home.resolve("src/app"));
        assertEquals(Optional.empty(), ProjectFile.nearest(src, home));
        assertEquals(Optional.empty(), ProjectFile.nearest(home, home));
        assertEquals(Optional.empty(), ProjectFile.nearest(src, tmp.resolve("home/./sub/..")), "home as given, normalized");
        Files.createDirectories(proj.resolve("a"));
        assertEquals(Optional.empty(), ProjectFile.nearest(proj.resolve("a"), home), "none at all");
        Files.createDirectories(proj.resolve("a/.mima.yaml"));
        assertEquals(Optional.empty(), ProjectFile.nearest(proj.resolve("a"), home), "a directory is no config");
    }

    @Test
    void nearestLooksAboveHomeToo() throws IOException {
        Path home = Files.createDirectories(tmp.resolve("users/me"));
        Files.writeString(home.resolve(".mima.yaml"), "");
        Files.writeString(tmp.resolve("users/.mima.yaml"), "");
        assertEquals(Optional.of(tmp.resolve("users/.mima.yaml")), ProjectFile.nearest(home.resolve("x"), home));
    }

    @Test
    void nearestKeepsTheShellsPathThroughSymlinks() throws IOException {
        Path real = Files.createDirectories(tmp.resolve("real/app"));
        Files.writeString(real.resolve(".mima.yaml"), "");
        Path link = Files.createSymbolicLink(tmp.resolve("link"), tmp.resolve("real"));
        assertEquals(Optional.of(link.resolve("app/.mima.yaml")),
                ProjectFile.nearest(link.resolve("app"), tmp.resolve("home")),
                "the hook compares it with the path it builds from $PWD");
    }

    @Test
    void locateTakesAFileADirectoryOrTheNearest() throws IOException {
        var dirs = new UserDirs(tmp.resolve("home"), tmp.resolve("cfg"), tmp.resolve("cache"), tmp.resolve("data"));
        Files.writeString(config, "");
        Path sub = Files.createDirectories(proj.resolve("sub"));
        assertEquals(config, ProjectFile.locate(null, sub, dirs));
        assertEquals(config, ProjectFile.locate("..", sub, dirs));
        assertEquals(proj.resolve("other.yaml"), ProjectFile.locate("../other.yaml", sub, dirs));
        assumeNoConfigAbove(tmp);
        var e = assertThrows(KimenException.class, () -> ProjectFile.locate(null, tmp, dirs));
        assertEquals(Reason.CONFIG_NOT_FOUND, e.reason());
    }
}
