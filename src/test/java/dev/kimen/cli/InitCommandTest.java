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

    /** Issue 24: kimen init only knew CI templates; a project's profile was written by hand. */
    @Test
    void withoutATemplateItScaffoldsAProjectAndMovesItsDotenvIntoTheVault() throws Exception {
        dev.kimen.vault.TestVaults.create(home.resolve(".config/kimen/vault.kv"), "pw");
        cli.env.put("KIMEN_PASSPHRASE", "pw");
        Files.writeString(repo.resolve(".env"), "DATABASE_URL=postgres://app:s3cret@db/app\nAPI_KEY='k $1'\n");
        Files.writeString(repo.resolve(".gitignore"), "target/\n");
        cli.cwd = repo;
        JsonObject json = cli.run("init", "--from", ".env", "--json").json();
        assertEquals("init_project", json.getString("action"));
        assertEquals(List.of("dev.database_url", "dev.api_key"), json.getArray("secrets").stream().toList());
        String map = Files.readString(repo.resolve(".kimen/profiles/dev.kmap"));
        assertTrue(map.endsWith("env DATABASE_URL=dev.database_url\nenv API_KEY=dev.api_key\n"), map);
        assertFalse(map.contains("s3cret"), "the profile holds names, never values");
        assertEquals("dev\n", Files.readString(repo.resolve(".kimen/default-profile")));
        assertEquals("target/\n# kimen: its values are in the vault now\n/.env\n", Files.readString(repo.resolve(".gitignore")));
        assertTrue(Files.exists(repo.resolve(".env")), "no terminal to ask on: the dotenv file is kept");
        assertEquals(false, json.getBoolean("dotenv_deleted"));
        assertEquals("k $1", cli.run("secret", "get", "dev.api_key").out(), "the value as sh reads it");

        var again = cli.run("init", "--from", ".env", "--force", "--json");
        assertEquals(24, again.code(), "the secrets exist: nothing is stored or written");
        assertEquals("secret_exists", again.errorJson().getString("reason"));
        assertEquals(24, cli.run("init", "--json").code(), "the profile exists: not overwritten without --force");

        var blank = new CliRun(home.resolve("other"));
        Path other = Files.createDirectories(home.resolve("other/proj"));
        blank.cwd = other;
        var human = blank.run("init");
        assertEquals(0, human.code(), human.stderr());
        assertTrue(human.out().contains("next:\n  kimen project plan"), human.out());
        assertTrue(Files.readString(other.resolve(".kimen/profiles/dev.kmap")).startsWith("# kimen profile dev"));
        assertFalse(Files.exists(other.resolve(".gitignore")));
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
    void anUnknownTemplateIsAUsageErrorNamingTheThree() {
        for (String[] args : List.of(new String[] {"init", "ci-nope", "--json"}, new String[] {"init", "nope", "--json"})) {
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
