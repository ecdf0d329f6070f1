package dev.kimen.sync;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Both transports against the real thing (a directory; a bare repository through the real git):
 * a publish is a compare-and-swap against what was read, a lock stops it until removed.
 */
class TransportTest {
    private static final List<String> TEAM = List.of("age1one", "age1two");

    @TempDir
    Path tmp;

    private Path bare;

    private Transport transport(String kind, Map<String, String> env) throws Exception {
        if (kind.equals("fs")) {
            return new FsRemote("team", Files.createDirectories(tmp.resolve("shared")));
        }
        bare = tmp.resolve("remote.git");
        if (!Files.exists(bare)) {
            git(tmp, "init", "--quiet", "--bare", bare.toString());
        }
        return gitRemote("team.git", env);
    }

    /** A git remote on {@link #bare} with its own cache, as one member's kimen has it. */
    private GitRemote gitRemote(String cache, Map<String, String> env) {
        var withHome = new HashMap<>(env);
        withHome.put("PATH", System.getenv("PATH"));
        withHome.put("HOME", tmp.toString());
        return new GitRemote("team", "file://" + bare, tmp.resolve("cache").resolve(cache), withHome);
    }

    private Transport transport(String kind) throws Exception {
        return transport(kind, Map.of());
    }

    @ParameterizedTest
    @ValueSource(strings = {"fs", "git"})
    void aPublishIsRefusedWhenTheRemoteMovedSinceItWasRead(String kind) throws Exception {
        Transport t = transport(kind);
        Transport.Snapshot empty = t.read();
        assertNull(empty.vaultAge());
        assertEquals(List.of(), empty.recipients());

        t.publish(empty, files("first", TEAM), "alice@host");
        Transport.Snapshot first = t.read();
        assertArrayEquals(bytes("first"), first.vaultAge());
        assertEquals(TEAM, first.recipients());
        assertFalse(first.locked());

        var e = assertThrows(KimenException.class, () -> t.publish(empty, files("stale", TEAM), "bob@host"));
        assertEquals(Reason.REMOTE_CHANGED, e.reason());
        assertArrayEquals(bytes("first"), t.read().vaultAge(), "a refused publish changes nothing");

        t.publish(first, files("second", List.of("age1one")), "alice@host");
        assertArrayEquals(bytes("second"), t.read().vaultAge());
        assertEquals(List.of("age1one"), t.read().recipients());
    }

    @ParameterizedTest
    @ValueSource(strings = {"fs", "git"})
    void aLockStopsPublishingUntilRemoved(String kind) throws Exception {
        Transport t = transport(kind);
        t.publish(t.read(), files("first", TEAM), "alice@host");
        plantLock(kind);
        Transport.Snapshot locked = t.read();
        assertTrue(locked.locked());
        var e = assertThrows(KimenException.class, () -> t.publish(locked, files("second", TEAM), "alice@host"));
        assertEquals(Reason.REMOTE_LOCK_PRESENT, e.reason());
        assertArrayEquals(bytes("first"), t.read().vaultAge());

        assertTrue(t.unlock("alice@host"));
        assertFalse(t.unlock("alice@host"), "nothing left to remove");
        Transport.Snapshot open = t.read();
        assertFalse(open.locked());
        t.publish(open, files("second", TEAM), "alice@host");
        assertArrayEquals(bytes("second"), t.read().vaultAge());
    }

    @ParameterizedTest
    @ValueSource(strings = {"fs", "git"})
    void anUnreachableRemoteSaysSo(String kind) {
        Transport t = kind.equals("fs") ? new FsRemote("team", tmp.resolve("missing"))
                : new GitRemote("team", "file://" + tmp.resolve("missing.git"), tmp.resolve("cache/x.git"),
                        Map.of("PATH", System.getenv("PATH"), "HOME", tmp.toString()));
        var e = assertThrows(KimenException.class, t::read);
        assertEquals(Reason.REMOTE_UNREACHABLE, e.reason());
        if (kind.equals("git")) { // git's first line says why; its last says "and the repository exists."
            assertTrue(e.getMessage().contains("does not appear to be a git repository"), e.getMessage());
        }
    }

    @org.junit.jupiter.api.Test
    void gitErrorsHideTheCredentialsOfAUrl() {
        assertEquals("fatal: unable to access 'https://***@example.org/team.git/'; fatal: second",
                GitRemote.cause("hint: try again\nfatal: unable to access 'https://bob:tok3n@example.org/team.git/'\n"
                        + "remote:\nfatal: second\nfatal: third\n", 128));
        assertEquals("git exited with status 128", GitRemote.cause("\n  \n", 128));
    }

    @ParameterizedTest
    @ValueSource(strings = {"fs", "git"})
    void theLockSaysWhoHoldsItAndWhatItMeans(String kind) throws Exception {
        Transport t = transport(kind);
        t.publish(t.read(), files("first", TEAM), "alice@host");
        plantLock(kind, "bob@laptop since 2026-12-07T10:00:00Z");
        var e = assertThrows(KimenException.class, () -> t.publish(t.read(), files("second", TEAM), "alice@host"));
        assertEquals(Reason.REMOTE_LOCK_PRESENT, e.reason());
        assertTrue(e.getMessage().contains("bob@laptop since 2026-12-07T10:00:00Z"), e.getMessage());
        assertEquals(kind.equals("fs"), e.getMessage().contains("a push is running"),
                "a lock committed to git is never a push in progress: " + e.getMessage());
    }

    /** Regular files only, within a size limit: a hostile remote must not make kimen hang or run out of memory. */
    @ParameterizedTest
    @ValueSource(strings = {"link", "fifo", "huge"})
    void aDirectoryRemoteReadsOnlyRegularFilesOfBoundedSize(String what) throws Exception {
        Transport t = transport("fs");
        t.publish(t.read(), files("first", TEAM), "alice@host");
        Path vault = tmp.resolve("shared").resolve(Transport.VAULT);
        Files.delete(vault);
        switch (what) {
            case "link" -> Files.createSymbolicLink(vault, Path.of("/dev/zero"));
            case "fifo" -> new ProcessBuilder("mkfifo", vault.toString()).start().waitFor();
            default -> {
                try (var f = new java.io.RandomAccessFile(vault.toFile(), "rw")) {
                    f.setLength(Transport.MAX_VAULT + 1); // sparse: no disk used
                }
            }
        }
        var e = assertThrows(KimenException.class, t::read);
        assertEquals(Reason.REMOTE_UNTRUSTED, e.reason());
        assertTrue(e.getMessage().contains(what.equals("huge") ? "larger than 64 MiB" : "not a regular file"),
                e.getMessage());
    }

    @org.junit.jupiter.api.Test
    void gitReadsOnlyRegularFilesOfBoundedSize() throws Exception {
        Transport t = transport("git");
        t.publish(t.read(), files("first", TEAM), "alice@host");
        Path clone = tmp.resolve("attacker");
        git(tmp, "clone", "--quiet", "--branch", GitRemote.BRANCH, bare.toString(), clone.toString());
        Files.delete(clone.resolve(Transport.VAULT));
        Files.createSymbolicLink(clone.resolve(Transport.VAULT), Path.of("/dev/zero"));
        git(clone, "add", "-A");
        git(clone, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "--quiet", "-m", "link");
        git(clone, "push", "--quiet", "origin", GitRemote.BRANCH);
        var e = assertThrows(KimenException.class, t::read);
        assertEquals(Reason.REMOTE_UNTRUSTED, e.reason());
        assertTrue(e.getMessage().contains("not a regular file (git mode 120000)"), e.getMessage());

        Files.delete(clone.resolve(Transport.VAULT));
        try (var f = new java.io.RandomAccessFile(clone.resolve(Transport.VAULT).toFile(), "rw")) {
            f.setLength(Transport.MAX_VAULT + 1);
        }
        git(clone, "add", "-A");
        git(clone, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "--quiet", "-m", "huge");
        git(clone, "push", "--quiet", "origin", GitRemote.BRANCH);
        e = assertThrows(KimenException.class, t::read);
        assertEquals(Reason.REMOTE_UNTRUSTED, e.reason());
        assertTrue(e.getMessage().contains("larger than 64 MiB"), e.getMessage());
    }

    @org.junit.jupiter.api.Test
    void aDirectoryRemoteThatIsABareGitRepositoryIsRefused() throws Exception {
        git(tmp, "init", "--quiet", "--bare", tmp.resolve("shared.git").toString());
        var e = assertThrows(KimenException.class, () -> new FsRemote("team", tmp.resolve("shared.git")).read());
        assertTrue(e.getMessage().contains("is a bare git repository") && e.hint().contains("git+file://"), e.getMessage());
    }

    @org.junit.jupiter.api.Test
    void aDirectoryPushSweepsWhatAKilledPushLeft() throws Exception {
        Transport t = transport("fs");
        Path shared = tmp.resolve("shared");
        Files.writeString(shared.resolve("." + Transport.VAULT + ".tmp-123"), "half a vault");
        Files.writeString(shared.resolve("." + Transport.LOG + ".tmp-456"), "half a log");
        Files.writeString(shared.resolve("notes.txt"), "the team's own file");
        t.publish(t.read(), files("first", TEAM), "alice@host");
        try (var left = Files.list(shared)) {
            assertEquals(List.of("notes.txt", Transport.RECIPIENTS, Transport.LOG, Transport.VAULT),
                    left.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    /**
     * kimen's commits carry kimen's own identity, set on the command: a push works where git knows
     * no user.email (here: it knew one when the cache was made, and refuses to guess one now).
     */
    @org.junit.jupiter.api.Test
    void gitCommitsAsKimenWhateverTheUsersConfig() throws Exception {
        Files.writeString(tmp.resolve(".gitconfig"), "[user]\n\tname = Bob\n\temail = bob@example.org\n");
        Transport t = transport("git");
        t.publish(t.read(), files("first", TEAM), "bob@host");
        Files.writeString(tmp.resolve(".gitconfig"), "[user]\n\tuseConfigOnly = true\n");
        t.publish(t.read(), files("second", TEAM), "bob@host");
        assertEquals("kimen sync <kimen-sync@invalid>\nkimen sync <kimen-sync@invalid>\n",
                git(tmp, "--git-dir=" + bare, "log", "--format=%an <%ae>", GitRemote.BRANCH));
    }

    /** Two pushes at once: the loser may hear "cannot lock ref" instead of "rejected". Both mean the remote moved. */
    @org.junit.jupiter.api.Test
    void gitSaysARefLockedByAnotherPushIsARemoteThatChanged() throws Exception {
        Transport t = transport("git");
        t.publish(t.read(), files("first", TEAM), "alice@host");
        Files.writeString(bare.resolve("refs/heads/" + GitRemote.BRANCH + ".lock"), "");
        var e = assertThrows(KimenException.class, () -> t.publish(t.read(), files("second", TEAM), "alice@host"));
        assertEquals(Reason.REMOTE_CHANGED, e.reason(), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"master", "main"})
    void gitSaysWhenTheRepositorysDefaultBranchHidesTheTeams(String head) throws Exception {
        bare = tmp.resolve("remote.git");
        git(tmp, "init", "--quiet", "--bare", "--initial-branch=" + head, bare.toString());
        Transport t = gitRemote("team.git", Map.of());
        List<String> notes = t.publish(t.read(), files("first", TEAM), "alice@host");
        assertEquals(head.equals("master"), notes.stream().anyMatch(n -> n.contains("default branch")), notes.toString());
        assertEquals(List.of(), t.publish(t.read(), files("second", TEAM), "alice@host"), "said once, when it is created");
    }

    @org.junit.jupiter.api.Test
    void gitKeepsTheTeamsOtherFilesAndIgnoresGitVariablesOfTheCaller() throws Exception {
        // GIT_DIR and friends, as set inside a git hook, must not redirect kimen's git commands.
        Path elsewhere = tmp.resolve("elsewhere.git");
        git(tmp, "init", "--quiet", "--bare", elsewhere.toString());
        Transport t = transport("git", Map.of("GIT_DIR", elsewhere.toString(), "GIT_INDEX_FILE", "/nonexistent/index"));
        t.publish(t.read(), files("first", TEAM), "alice@host");
        Path clone = tmp.resolve("clone");
        git(tmp, "clone", "--quiet", "--branch", GitRemote.BRANCH, bare.toString(), clone.toString());
        Files.writeString(clone.resolve("README.md"), "our team vault\n");
        git(clone, "add", "README.md");
        git(clone, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "--quiet", "-m", "readme");
        git(clone, "push", "--quiet", "origin", GitRemote.BRANCH);

        t.publish(t.read(), files("second", TEAM), "alice@host");
        git(clone, "pull", "--quiet", "origin", GitRemote.BRANCH);
        assertEquals("our team vault\n", Files.readString(clone.resolve("README.md")));
        assertEquals("second", Files.readString(clone.resolve(Transport.VAULT)));
        assertEquals("", git(tmp, "--git-dir=" + elsewhere, "for-each-ref").strip(), "the caller's GIT_DIR untouched");
    }

    @org.junit.jupiter.api.Test
    void gitUnlocksABranchThatHoldsOnlyALock() throws Exception {
        Transport t = transport("git");
        plantLockInEmpty();
        Transport.Snapshot locked = t.read();
        assertTrue(locked.locked());
        assertNull(locked.vaultAge());
        assertTrue(t.unlock("alice@host"));
        assertFalse(t.read().locked());
        t.publish(t.read(), files("first", TEAM), "alice@host");
        assertArrayEquals(bytes("first"), t.read().vaultAge());
    }

    @org.junit.jupiter.api.Test
    void gitSaysWhyTheRemoteRefusedAndIgnoresTheUsersGlobalHooks() throws Exception {
        // A global hooks dir whose pre-push hook fails: meant for the user's checkouts, not kimen's cache.
        Path hooks = Files.createDirectories(tmp.resolve("global-hooks"));
        hook(hooks.resolve("pre-push"), "echo global hook ran >&2; exit 1");
        Files.writeString(tmp.resolve(".gitconfig"), "[core]\n\thooksPath = " + hooks + "\n");
        Transport t = transport("git");
        t.publish(t.read(), files("first", TEAM), "alice@host");

        // The receiving side, a local repository here, reads the same global config: its hooks live there too.
        hook(hooks.resolve("pre-receive"), "echo 'vault pushes are frozen today'; exit 1");
        var e = assertThrows(KimenException.class, () -> t.publish(t.read(), files("second", TEAM), "alice@host"));
        assertEquals(Reason.REMOTE_UNREACHABLE, e.reason());
        assertTrue(e.getMessage().contains("vault pushes are frozen today") && e.getMessage().contains("hook declined"),
                e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    /** A git killed mid-fetch leaves its lock files; one killed mid-setup, a cache without its config. */
    @org.junit.jupiter.api.Test
    void gitRecoversWhatAKilledGitLeftInTheCache() throws Exception {
        Transport t = transport("git");
        t.publish(t.read(), files("first", TEAM), "alice@host");
        GitRemote other = gitRemote("other.git", Map.of());
        other.publish(other.read(), files("second", TEAM), "bob@host");
        Path cache = tmp.resolve("cache/team.git");
        Files.writeString(cache.resolve("refs/remotes/origin/" + GitRemote.BRANCH + ".lock"), "");
        Files.writeString(cache.resolve("packed-refs.lock"), "");
        assertArrayEquals(bytes("second"), t.read().vaultAge(), "the fetch updated the tracking ref");
        try (var left = Files.walk(cache)) {
            assertEquals(List.of(), left.filter(p -> p.toString().endsWith(".lock")).toList());
        }

        Files.delete(cache.resolve(GitRemote.READY));
        git(tmp, "--git-dir=" + cache, "config", "--unset", "core.hooksPath");
        t.read();
        assertEquals("/dev/null", git(tmp, "--git-dir=" + cache, "config", "core.hooksPath").strip(),
                "a setup cut off half-way is redone");
        assertTrue(Files.exists(cache.resolve(GitRemote.READY)));
    }

    private static void hook(Path file, String body) throws IOException {
        Files.writeString(file, "#!/bin/sh\n" + body + "\n");
        file.toFile().setExecutable(true);
    }

    private void plantLockInEmpty() throws Exception {
        Path clone = tmp.resolve("locker");
        git(tmp, "init", "--quiet", "--initial-branch", GitRemote.BRANCH, clone.toString());
        Files.writeString(clone.resolve(Transport.LOCK), "frozen\n");
        git(clone, "add", Transport.LOCK);
        git(clone, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "--quiet", "-m", "freeze");
        git(clone, "push", "--quiet", bare.toString(), GitRemote.BRANCH);
    }

    private void plantLock(String kind) throws Exception {
        plantLock(kind, "crashed");
    }

    private void plantLock(String kind, String says) throws Exception {
        if (kind.equals("fs")) {
            Files.writeString(tmp.resolve("shared/lock"), says + "\n");
            return;
        }
        Path clone = tmp.resolve("locker");
        git(tmp, "clone", "--quiet", "--branch", GitRemote.BRANCH, bare.toString(), clone.toString());
        Files.writeString(clone.resolve(Transport.LOCK), says + "\n");
        git(clone, "add", Transport.LOCK);
        git(clone, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "--quiet", "-m", "freeze");
        git(clone, "push", "--quiet", "origin", GitRemote.BRANCH);
    }

    /** A publish of {@code vault} (and a log naming it) to {@code recipients}. */
    private static Transport.Publication files(String vault, List<String> recipients) {
        return new Transport.Publication(bytes(vault), bytes("log of " + vault + "\n"), recipients);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private String git(Path dir, String... args) throws IOException, InterruptedException {
        var argv = new ArrayList<>(List.of("git"));
        argv.addAll(List.of(args));
        var pb = new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().put("HOME", tmp.toString());
        pb.environment().put("GIT_CONFIG_NOSYSTEM", "1");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), () -> "git " + List.of(args) + ": " + out);
        return out;
    }
}
