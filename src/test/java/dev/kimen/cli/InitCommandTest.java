package dev.kimen.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.grack.nanojson.JsonObject;
import dev.kimen.ci.CiTemplate;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@code kimen init}: where it writes, what, and that it never replaces a file unasked. */
class InitCommandTest {
    @TempDir Path home;
    CliRun cli;
    Path repo;
    Path deep;

    @BeforeEach
    void setUp() throws Exception {
        cli = new CliRun(home);
        repo = home.resolve("repo");
        deep = Files.createDirectories(repo.resolve("src/app"));
        Files.createDirectories(repo.resolve(".git"));
        cli.cwd = deep;
    }

    private Path workflow(CiTemplate t) {
        return repo.resolve(".github/workflows").resolve(t.workflowPath().getFileName());
    }

    @ParameterizedTest
    @EnumSource(CiTemplate.class)
    void writesTheTemplateAtTheGitRootMode0644(CiTemplate t) throws Exception {
        JsonObject json = cli.run("init", t.templateName(), "--json").json();
        assertEquals("init_ci", json.getString("action"));
        assertEquals(0, json.getInt("exit_code"));
        assertEquals(t.templateName(), json.getString("template"));
        assertEquals(workflow(t).toString(), json.getString("path"));
        assertEquals(false, json.getBoolean("replaced"));
        assertArrayEquals(t.content(), Files.readAllBytes(workflow(t)));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(workflow(t))));
        try (Stream<Path> files = Files.list(workflow(t).getParent())) {
            assertEquals(List.of(workflow(t)), files.toList(), "no temp file left behind");
        }
    }

    @Test
    void humanOutputSaysWhereAndWhatIsLeftToDo() {
        var r = cli.run("init", "ci-deploy");
        assertEquals(0, r.code(), r.stderr());
        assertTrue(r.out().startsWith("wrote " + workflow(CiTemplate.DEPLOY) + ": "), r.out());
        assertTrue(r.out().contains("KIMEN_REPO") && r.out().contains("gh secret set KIMEN_AGE_IDENTITY"), r.out());
        assertEquals("", r.stderr());
    }

    @Test
    void anExistingFileIsLeftByteForByteWithoutForceAndReplacedWithIt() throws Exception {
        Path file = workflow(CiTemplate.PR_SAFETY);
        Files.createDirectories(file.getParent());
        byte[] mine = "name: my own edits\n".getBytes(StandardCharsets.UTF_8);
        Files.write(file, mine);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        FileTime before = Files.getLastModifiedTime(file);

        var refused = cli.run("init", "ci-pr-safety", "--json");
        assertEquals(24, refused.code(), refused.stderr());
        JsonObject envelope = refused.errorJson();
        assertEquals("file_exists", envelope.getString("reason"));
        assertTrue(envelope.getString("error").contains(file.toString()));
        assertTrue(envelope.getString("hint").contains("--force"));
        assertEquals(0, refused.stdout().length);
        assertArrayEquals(mine, Files.readAllBytes(file));
        assertEquals(before, Files.getLastModifiedTime(file));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        try (Stream<Path> files = Files.list(file.getParent())) {
            assertEquals(List.of(file), files.toList(), "no temp file left behind");
        }

        var human = cli.run("init", "ci-pr-safety");
        assertEquals(24, human.code());
        assertTrue(human.stderr().startsWith("kimen: error: " + file + " already exists"), human.stderr());

        JsonObject forced = cli.run("init", "ci-pr-safety", "--force", "--json").json();
        assertEquals(true, forced.getBoolean("replaced"));
        assertArrayEquals(CiTemplate.PR_SAFETY.content(), Files.readAllBytes(file));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }

    @Test
    void aSymlinkInTheWayIsNotFollowed() throws Exception {
        Path file = workflow(CiTemplate.DEPLOY);
        Files.createDirectories(file.getParent());
        Path elsewhere = home.resolve("elsewhere.yml");
        Files.createSymbolicLink(file, elsewhere); // dangling: a plain exists() would say no
        assertEquals(24, cli.run("init", "ci-deploy").code());
        assertFalse(Files.exists(elsewhere), "nothing written through the link");
        assertTrue(Files.isSymbolicLink(file));

        Files.writeString(elsewhere, "theirs\n");
        assertEquals(0, cli.run("init", "ci-deploy", "--force").code());
        assertFalse(Files.isSymbolicLink(file), "the link itself is replaced");
        assertEquals("theirs\n", Files.readString(elsewhere));
        assertArrayEquals(CiTemplate.DEPLOY.content(), Files.readAllBytes(file));
    }

    @Test
    void aDirectoryInTheWayStaysEvenWithForce() throws Exception {
        Files.createDirectories(workflow(CiTemplate.SYNC_GATE));
        var r = cli.run("init", "ci-sync-gate", "--force", "--json");
        assertEquals(24, r.code(), r.stderr());
        assertEquals("file_exists", r.errorJson().getString("reason"));
        assertTrue(Files.isDirectory(workflow(CiTemplate.SYNC_GATE)));
    }

    /** Pull requests from forks get no repository variables: kimen's source can be written into the file. */
    @Test
    void kimensSourceIsWrittenInWhenGivenAndABadOneWritesNothing() throws Exception {
        var source = new CiTemplate.Source("git@example.org:you/kimen.git", "v0.2.0");
        cli.run("init", "ci-pr-safety", "--kimen-repo", source.repo(), "--kimen-ref", source.ref(), "--json").json();
        assertArrayEquals(CiTemplate.PR_SAFETY.content(source), Files.readAllBytes(workflow(CiTemplate.PR_SAFETY)));
        assertTrue(Files.readString(workflow(CiTemplate.PR_SAFETY)).contains(
                "KIMEN_REPO: ${{ vars.KIMEN_REPO || 'git@example.org:you/kimen.git' }}"));

        assertEquals(2, cli.run("init", "ci-deploy", "--kimen-repo", "https://u:t0ken@example.org/k.git").code());
        assertEquals(2, cli.run("init", "ci-deploy", "--kimen-ref", "main' }}").code());
        assertFalse(Files.exists(workflow(CiTemplate.DEPLOY)), "a refused source writes nothing");
    }

    @Test
    void anUnknownOrMissingTemplateIsAUsageErrorNamingTheThree() {
        for (String[] args : List.of(new String[] {"init", "ci-nope", "--json"}, new String[] {"init", "--json"})) {
            var r = cli.run(args);
            assertEquals(2, r.code(), r.stderr());
            JsonObject e = r.errorJson();
            assertEquals("usage", e.getString("reason"));
            assertTrue(e.getString("error").contains("ci-pr-safety, ci-deploy, ci-sync-gate"), e.getString("error"));
        }
        assertFalse(Files.exists(repo.resolve(".github")), "nothing written");
    }

    @Test
    void dirNamesTheRootAndOutsideGitTheWorkingDirectoryIsUsedWithAWarning() throws Exception {
        Path other = Files.createDirectories(home.resolve("other"));
        var r = cli.run("init", "ci-pr-safety", "--dir", "../../../other");
        assertEquals(0, r.code(), r.stderr());
        assertTrue(Files.isRegularFile(other.resolve(".github/workflows/kimen-pr-safety.yml")));
        assertFalse(Files.exists(repo.resolve(".github")));

        assertEquals(2, cli.run("init", "ci-pr-safety", "--dir", "../../../missing").code());

        Path plain = Files.createDirectories(home.resolve("plain"));
        cli.cwd = plain;
        var outside = cli.run("init", "ci-deploy");
        assertEquals(0, outside.code(), outside.stderr());
        assertEquals("kimen: warning: not in a git repository; writing under " + plain + "\n", outside.stderr());
        assertTrue(Files.isRegularFile(plain.resolve(".github/workflows/kimen-deploy.yml")));
    }

    @Test
    void aWorktreesGitFileMarksTheRootToo() throws Exception {
        Path worktree = Files.createDirectories(home.resolve("wt/sub"));
        Files.writeString(home.resolve("wt/.git"), "gitdir: /somewhere/.git/worktrees/wt\n");
        cli.cwd = worktree;
        assertEquals(0, cli.run("init", "ci-pr-safety").code());
        assertTrue(Files.isRegularFile(home.resolve("wt/.github/workflows/kimen-pr-safety.yml")));
    }
}
