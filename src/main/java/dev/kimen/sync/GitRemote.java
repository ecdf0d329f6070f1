package dev.kimen.sync;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import dev.kimen.fs.FileLock;
import dev.kimen.fs.PrivateFiles;
import dev.kimen.process.ChildEnv;
import dev.kimen.text.Bytes;
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
 * <p>The user's own git configuration applies (credentials, ssh, {@code insteadOf}), except hooks
 * (the cache's {@code core.hooksPath} points nowhere) and the commit's identity: kimen's commits
 * are authored by {@value #COMMITTER_NAME} &lt;{@value #COMMITTER_EMAIL}&gt;, set on the command, so
 * a machine with no {@code user.email} can push and no one's address goes into the team's history.
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
    static final String COMMITTER_NAME = "kimen sync";
    static final String COMMITTER_EMAIL = "kimen-sync@invalid";
    private static final Map<String, String> IDENTITY = Map.of("GIT_AUTHOR_NAME", COMMITTER_NAME, "GIT_AUTHOR_EMAIL",
            COMMITTER_EMAIL, "GIT_COMMITTER_NAME", COMMITTER_NAME, "GIT_COMMITTER_EMAIL", COMMITTER_EMAIL);
    /** {@code scheme://user:secret@}: a URL's credentials, which git may print in its errors. */
    private static final java.util.regex.Pattern CREDENTIALS = java.util.regex.Pattern.compile(
            "([A-Za-z][A-Za-z0-9+.-]*://)[^/@\\s]*@");
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
            return new Snapshot(null, null, List.of(), null, null); // an empty repository, or no branch yet
        }
        String commit = git(null, "rev-parse", "--verify", TRACKING + "^{commit}").check("rev-parse");
        List<byte[]> files = catFiles(commit, VAULT, LOG, RECIPIENTS, LOCK);
        List<String> recipients = files.get(2) == null ? List.of()
                : Transport.recipientLines(new String(files.get(2), StandardCharsets.UTF_8));
        return new Snapshot(files.get(0), files.get(1), recipients, Transport.lockText(files.get(3)), commit);
    }

    @Override
    public List<String> publish(Snapshot seen, Publication files, String who) {
        if (seen.locked()) {
            throw lockPresent(seen.lock());
        }
        try (FileLock held = useCache()) {
            var blobs = new HashMap<String, String>();
            blobs.put(VAULT, blob(files.vaultAge()));
            blobs.put(LOG, blob(files.log()));
            blobs.put(RECIPIENTS, blob(Transport.recipientsFile(files.recipients())));
            push(seen.revision(), blobs, "kimen sync: " + who + " published the team vault");
            return seen.revision() == null ? defaultBranchNotes() : List.of();
        }
    }

    /**
     * After the push that created {@value #BRANCH}: a repository whose HEAD names another branch
     * (a bare repository made with git's old default, {@code master}) looks empty to a plain clone.
     */
    private List<String> defaultBranchNotes() {
        Result r = git(null, "ls-remote", "--symref", url, "HEAD");
        if (r.status() != 0 || r.text().contains("ref: refs/heads/" + BRANCH + "\tHEAD")) {
            return List.of();
        }
        return List.of("the repository's default branch (HEAD) is not " + BRANCH + ", so a plain git clone of it"
                + " looks empty; kimen always uses " + BRANCH + ". Make it the default: git symbolic-ref HEAD refs/heads/"
                + BRANCH + " in the bare repository, or the hosting site's settings");
    }

    @Override
    public KimenException lockPresent(String lock) {
        return KimenException.of(Reason.REMOTE_LOCK_PRESENT, "the remote " + name + " is frozen: branch " + BRANCH
                        + " holds a lock file" + (lock == null || lock.isEmpty() ? "" : " (" + lock + ")")
                        + ". kimen's git pushes take no lock, so someone committed it to stop pushes",
                "once the team agrees, remove it with: kimen sync unlock --remote " + name);
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
        String commit = git(IDENTITY, null, commitArgs.toArray(String[]::new)).check("commit-tree");
        Result push = git(null, "push", "--porcelain", url, commit + ":refs/heads/" + BRANCH);
        if (push.status() != 0) {
            List<String> refused = push.text().lines().filter(l -> l.startsWith("!")).toList();
            // "[rejected]": the branch moved. "cannot lock ref" / "failed to update ref": another push
            // holds the branch at this moment. Either way someone else is publishing.
            if (refused.stream().anyMatch(l -> l.contains("[rejected]") || l.contains("(failed to update ref)"))
                    || push.err().contains("cannot lock ref")) {
                throw Sync.remoteChanged(name, "while pushing");
            }
            // e.g. "! …  [remote rejected] (pre-receive hook declined)", and the hook's own "remote:" lines
            String why = Stream.concat(refused.stream().map(l -> l.substring(l.lastIndexOf('\t') + 1)),
                    push.err().lines().filter(l -> l.startsWith("remote:")).map(String::strip)).collect(
                            java.util.stream.Collectors.joining("; "));
            throw why.isEmpty() ? failed("cannot push to", push) : KimenException.of(Reason.REMOTE_UNREACHABLE,
                    name + " refused the push: " + redact(why), "the remote's own rules (hooks, branch protection) said no");
        }
        git(null, "update-ref", TRACKING, commit).check("update-ref");
    }

    private String blob(byte[] data) {
        return git(data, "hash-object", "-w", "--stdin").check("hash-object");
    }

    /**
     * The contents of {@code names} in {@code commit}, null where a file is missing. Only regular
     * files within {@link Transport#limit} are read (a symbolic link or a huge blob someone
     * committed is refused unread); two git processes.
     */
    private List<byte[]> catFiles(String commit, String... names) {
        var entries = new HashMap<String, String[]>(); // name -> mode, type, object, size
        for (String entry : git(null, "ls-tree", "-l", "-z", commit).check("ls-tree").split("\0")) {
            int tab = entry.indexOf('\t');
            if (tab > 0) {
                entries.put(entry.substring(tab + 1), entry.substring(0, tab).strip().split(" +"));
            }
        }
        var request = new StringBuilder();
        for (String file : names) {
            String[] meta = entries.get(file);
            if (meta == null) {
                continue;
            }
            if (meta.length != 4 || !meta[1].equals("blob") || !(meta[0].equals("100644") || meta[0].equals("100755"))) {
                throw TeamState.untrusted(name, "its " + file + " is not a regular file (git mode " + meta[0] + ")");
            }
            if (Long.parseLong(meta[3]) > Transport.limit(file)) {
                throw TeamState.untrusted(name, "its " + file + " is larger than " + (Transport.limit(file) >> 20)
                        + " MiB");
            }
            request.append(meta[2]).append('\n');
        }
        Result r = git(request.toString().getBytes(StandardCharsets.UTF_8), "cat-file", "--batch");
        if (r.status() != 0) {
            throw failed("cannot read the cache of", r);
        }
        // Each answer is "<oid> <type> <size>\n<contents>\n", in the order asked.
        var out = new ArrayList<byte[]>();
        byte[] data = r.out();
        int at = 0;
        for (String file : names) {
            if (!entries.containsKey(file)) {
                out.add(null);
                continue;
            }
            int eol = Bytes.indexOf(data, (byte) '\n', at);
            if (eol < 0 || new String(data, at, eol - at, StandardCharsets.UTF_8).endsWith(" missing")) {
                throw KimenException.of(Reason.INTERNAL, "git cat-file answered less than asked");
            }
            String header = new String(data, at, eol - at, StandardCharsets.UTF_8);
            at = eol + 1;
            int size = Integer.parseInt(header.substring(header.lastIndexOf(' ') + 1));
            out.add(java.util.Arrays.copyOfRange(data, at, at + size));
            at += size + 1;
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
     * Creates the bare cache repository. {@value #READY} is written last, so a setup cut off
     * half-way is redone (else the user's global hooks would apply to a cache whose
     * {@code core.hooksPath} was never set).
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
                throw KimenException.of(Reason.INTERNAL, "git " + what + " failed in kimen's cache: " + cause(err, status));
            }
            return text().strip();
        }
    }

    private KimenException failed(String what, Result r) {
        return KimenException.of(Reason.REMOTE_UNREACHABLE, what + " " + redact(url) + ": " + cause(r.err(), r.status()),
                "check that `git ls-remote " + redact(url) + "` works for you");
    }

    /**
     * Why git failed, as its first lines say (its last ones are often advice such as "and the
     * repository exists."): up to two lines, hints and blank "remote:" lines left out, with any
     * credentials in a URL hidden.
     */
    static String cause(String err, int status) {
        var lines = err.lines().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("hint:") && !l.equals("remote:")).limit(2).toList();
        return lines.isEmpty() ? "git exited with status " + status : redact(String.join("; ", lines));
    }

    /** {@code text} with the user and password of any URL in it replaced by {@code ***}. */
    static String redact(String text) {
        return CREDENTIALS.matcher(text).replaceAll("$1***@");
    }

    private Result git(byte[] stdin, String... args) {
        return git(Map.of(), stdin, args);
    }

    /** Runs git on the cache with {@code extraEnv} added to its environment. */
    private Result git(Map<String, String> extraEnv, byte[] stdin, String... args) {
        var argv = new ArrayList<String>();
        argv.add("git");
        argv.add("--git-dir=" + cache);
        argv.addAll(List.of(args));
        var builder = new ProcessBuilder(argv).redirectInput(stdin == null
                ? ProcessBuilder.Redirect.from(new File("/dev/null")) : ProcessBuilder.Redirect.PIPE);
        builder.environment().clear();
        builder.environment().putAll(env);
        builder.environment().putAll(extraEnv);
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
