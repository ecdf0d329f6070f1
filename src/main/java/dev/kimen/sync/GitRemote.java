package dev.kimen.sync;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import dev.kimen.fs.FileLock;
import dev.kimen.fs.PrivateFiles;
import dev.kimen.process.ChildEnv;
import dev.kimen.text.Bytes;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/**
 * A remote that is a git repository, driven through the user's own {@code git} so their SSH keys,
 * credential helpers and {@code insteadOf} rules apply. The team's files live on branch
 * {@value #BRANCH}; kimen keeps a private bare repository as a cache and works on it with git's
 * plumbing (no working tree, no index), so nothing of the user's checkout is touched.
 *
 * <p>The user's own git configuration applies (credentials, ssh, {@code insteadOf}), except hooks:
 * the cache's {@code core.hooksPath} points nowhere.
 *
 * <p>A publish is one commit pushed without force: git refuses it when the branch moved since it
 * was read, which is the compare-and-swap a push needs ({@code remote_changed}). It therefore
 * takes no lock a crash could leave behind; a {@code lock} file committed to the branch (by an
 * operator freezing the remote) still stops pushes until {@code sync unlock}. Nothing secret is
 * ever on git's command line: the URL holds no password (refused when added) and the files are
 * ciphertext and public keys.
 */
public final class GitRemote implements Transport {
    public static final String BRANCH = "main";
    /** Marks a cache whose setup finished. */
    static final String READY = "kimen-ready";
    private static final String TRACKING = "refs/remotes/origin/" + BRANCH;
    /**
     * Set by git hooks, scripts and an enclosing {@code git -c}: any of them would point our commands
     * at someone else's repository or change how they behave.
     */
    private static final List<String> GIT_CONTEXT_VARS = List.of("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE",
            "GIT_OBJECT_DIRECTORY", "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_NAMESPACE", "GIT_COMMON_DIR", "GIT_PREFIX",
            "GIT_CONFIG_PARAMETERS", "GIT_CONFIG_COUNT");

    private final String name;
    private final String url;
    private final Path cache;
    private final Map<String, String> env;

    /**
     * @param url what git fetches from and pushes to
     * @param cache kimen's private bare repository for this remote (created on first use)
     * @param env the environment git runs with (unlock material and git location variables removed)
     */
    public GitRemote(String name, String url, Path cache, Map<String, String> env) {
        this.name = name;
        this.url = url;
        this.cache = cache;
        var e = new HashMap<>(ChildEnv.of(env));
        e.keySet().removeAll(GIT_CONTEXT_VARS);
        e.keySet().removeIf(k -> k.startsWith("GIT_CONFIG_KEY_") || k.startsWith("GIT_CONFIG_VALUE_"));
        e.put("LC_ALL", "C"); // git's messages are matched below
        this.env = e;
    }

    @Override
    public Snapshot read() {
        try (FileLock held = useCache()) {
            return fetch();
        }
    }

    private Snapshot fetch() {
        Result fetch = git(null, "fetch", "--quiet", "--no-tags", url, "+refs/heads/" + BRANCH + ":" + TRACKING);
        if (fetch.status() != 0) {
            if (!fetch.err().contains("couldn't find remote ref")) {
                throw failed("cannot fetch from", fetch);
            }
            git(null, "update-ref", "-d", TRACKING).check("update-ref");
            return new Snapshot(null, List.of(), false, null); // an empty repository, or no branch yet
        }
        String commit = git(null, "rev-parse", "--verify", TRACKING + "^{commit}").check("rev-parse");
        List<byte[]> files = catFiles(commit, VAULT, RECIPIENTS, LOCK);
        List<String> recipients = files.get(1) == null ? List.of()
                : Transport.recipientLines(new String(files.get(1), StandardCharsets.UTF_8));
        return new Snapshot(files.get(0), recipients, files.get(2) != null, commit);
    }

    @Override
    public void publish(Snapshot seen, byte[] vaultAge, List<String> recipients, String who) {
        if (seen.locked()) {
            throw Sync.lockPresent(name);
        }
        try (FileLock held = useCache()) {
            var files = new HashMap<String, String>();
            files.put(VAULT, blob(vaultAge));
            files.put(RECIPIENTS, blob(Transport.recipientsFile(recipients)));
            push(seen.revision(), files, "kimen sync: " + who + " published the team vault");
        }
    }

    @Override
    public boolean unlock(String who) {
        try (FileLock held = useCache()) {
            Snapshot now = fetch();
            if (!now.locked()) {
                return false;
            }
            push(now.revision(), Map.of(), "kimen sync: " + who + " removed a stale lock");
            return true;
        }
    }

    /** Commits {@code parent}'s tree with {@code files} (name to blob) put and {@code lock} removed, and pushes it. */
    private void push(String parent, Map<String, String> files, String message) {
        var entries = new ArrayList<String>();
        if (parent != null) {
            for (String entry : git(null, "ls-tree", "-z", parent).check("ls-tree").split("\0")) {
                String name = entry.substring(entry.indexOf('\t') + 1);
                if (!entry.isEmpty() && !files.containsKey(name) && !name.equals(LOCK)) {
                    entries.add(entry);
                }
            }
        }
        files.forEach((name, blob) -> entries.add("100644 blob " + blob + "\t" + name));
        var listing = new StringBuilder();
        entries.forEach(entry -> listing.append(entry).append('\0'));
        String tree = git(listing.toString().getBytes(StandardCharsets.UTF_8), "mktree", "-z").check("mktree");
        var commitArgs = new ArrayList<>(List.of("commit-tree", tree, "-m", message));
        if (parent != null) {
            commitArgs.addAll(List.of("-p", parent));
        }
        String commit = git(null, commitArgs.toArray(String[]::new)).check("commit-tree");
        Result push = git(null, "push", "--porcelain", url, commit + ":refs/heads/" + BRANCH);
        if (push.status() != 0) {
            List<String> refused = push.text().lines().filter(l -> l.startsWith("!")).toList();
            if (refused.stream().anyMatch(l -> l.contains("[rejected]"))) {
                throw Sync.remoteChanged(name, "while pushing");
            }
            // e.g. "! …  [remote rejected] (pre-receive hook declined)", and the hook's own "remote:" lines
            String why = Stream.concat(refused.stream().map(l -> l.substring(l.lastIndexOf('\t') + 1)),
                    push.err().lines().filter(l -> l.startsWith("remote:")).map(String::strip)).collect(
                            java.util.stream.Collectors.joining("; "));
            throw why.isEmpty() ? failed("cannot push to", push) : KimenException.of(Reason.REMOTE_UNREACHABLE,
                    name + " refused the push: " + why, "the remote's own rules (hooks, branch protection) said no");
        }
        git(null, "update-ref", TRACKING, commit).check("update-ref");
    }

    private String blob(byte[] data) {
        return git(data, "hash-object", "-w", "--stdin").check("hash-object");
    }

    /** The contents of {@code names} in {@code commit}, null where a file is missing; one git process. */
    private List<byte[]> catFiles(String commit, String... names) {
        var request = new StringBuilder();
        for (String name : names) {
            request.append(commit).append(':').append(name).append('\n');
        }
        Result r = git(request.toString().getBytes(StandardCharsets.UTF_8), "cat-file", "--batch");
        if (r.status() != 0) {
            throw failed("cannot read the cache of", r);
        }
        // Each answer is "<oid> <type> <size>\n<contents>\n", or "<request> missing\n".
        var out = new ArrayList<byte[]>();
        byte[] data = r.out();
        int at = 0;
        for (int i = 0; i < names.length; i++) {
            int eol = Bytes.indexOf(data, (byte) '\n', at);
            if (eol < 0) {
                throw KimenException.of(Reason.INTERNAL, "git cat-file answered less than asked");
            }
            String header = new String(data, at, eol - at, StandardCharsets.UTF_8);
            at = eol + 1;
            if (header.endsWith(" missing")) {
                out.add(null);
            } else {
                int size = Integer.parseInt(header.substring(header.lastIndexOf(' ') + 1));
                out.add(java.util.Arrays.copyOfRange(data, at, at + size));
                at += size + 1;
            }
        }
        return out;
    }

    /**
     * Takes the cache for this process (kimen processes on one cache queue here; the kernel drops
     * the lock of a killed one), makes sure it is set up, and removes the lock files a killed git
     * left in it: git would otherwise refuse every later fetch ("Unable to create '….lock': File
     * exists"). Holding our lock, no other kimen uses the cache; a git orphaned by a killed kimen
     * that still runs can at worst leave the tracking ref a commit behind, which the next read
     * corrects, and a push stays a compare-and-swap on the remote itself.
     */
    private FileLock useCache() {
        FileLock held = FileLock.acquire(cache);
        try {
            ensureCache();
            sweepLockFiles();
            return held;
        } catch (RuntimeException e) {
            held.close();
            throw e;
        }
    }

    /**
     * Creates the bare cache repository, with a fallback committer when the user has configured
     * none. {@value #READY} is written last, so a setup cut off half-way is redone (else the user's
     * global hooks would apply to a cache whose {@code core.hooksPath} was never set).
     */
    private void ensureCache() {
        if (Files.exists(cache.resolve(READY))) {
            return;
        }
        PrivateFiles.createPrivateDirs(cache.getParent());
        git(null, "init", "--bare", "--quiet").check("init");
        // The user's global hooks are for their checkouts. Set in the cache's own config, not with
        // `git -c`, which would reach a local remote's receive-pack and switch off its hooks too.
        git(null, "config", "core.hooksPath", "/dev/null").check("config");
        if (git(null, "var", "GIT_COMMITTER_IDENT").status() != 0) {
            git(null, "config", "user.name", "kimen").check("config");
            git(null, "config", "user.email", "kimen@localhost").check("config");
        }
        PrivateFiles.write(cache.resolve(READY), new byte[0]);
    }

    private void sweepLockFiles() {
        try (Stream<Path> files = Files.walk(cache)) {
            for (Path f : files.filter(f -> f.getFileName().toString().endsWith(".lock")
                    && !f.startsWith(cache.resolve("objects")) && Files.isRegularFile(f)).toList()) {
                Files.deleteIfExists(f);
            }
        } catch (IOException e) {
            throw KimenException.wrap(Reason.INTERNAL, "cannot clean kimen's git cache " + cache + ": " + e.getMessage(), e);
        }
    }

    private record Result(int status, byte[] out, String err) {
        String text() {
            return new String(out, StandardCharsets.UTF_8);
        }

        /** The output, trimmed; a failure is an internal error (these commands only touch the cache). */
        String check(String what) {
            if (status != 0) {
                throw KimenException.of(Reason.INTERNAL, "git " + what + " failed in kimen's cache: " + lastLine(err));
            }
            return text().strip();
        }
    }

    private KimenException failed(String what, Result r) {
        return KimenException.of(Reason.REMOTE_UNREACHABLE, what + " " + url + ": " + lastLine(r.err()),
                "check that `git ls-remote " + url + "` works for you");
    }

    private static String lastLine(String text) {
        return text.strip().lines().reduce((a, b) -> b).orElse("git exited with an error");
    }

    private Result git(byte[] stdin, String... args) {
        var argv = new ArrayList<String>();
        argv.add("git");
        argv.add("--git-dir=" + cache);
        argv.addAll(List.of(args));
        var builder = new ProcessBuilder(argv).redirectInput(stdin == null
                ? ProcessBuilder.Redirect.from(new File("/dev/null")) : ProcessBuilder.Redirect.PIPE);
        builder.environment().clear();
        builder.environment().putAll(env);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw KimenException.of(Reason.REMOTE_UNREACHABLE, "cannot run git: " + e.getMessage(),
                    "a git remote is driven through your own git: install it, or put it on PATH");
        }
        try {
            CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()));
            if (stdin != null) {
                try (var in = process.getOutputStream()) {
                    in.write(stdin);
                }
            }
            byte[] out = readAll(process.getInputStream());
            return new Result(process.waitFor(), out, new String(err.join(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            process.destroy();
            Thread.currentThread().interrupt();
            throw KimenException.of(Reason.REMOTE_UNREACHABLE, "interrupted while git was running");
        }
    }

    private static byte[] readAll(InputStream in) {
        try (in) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
