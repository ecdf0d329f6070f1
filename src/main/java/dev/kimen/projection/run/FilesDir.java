package dev.kimen.projection.run;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import dev.kimen.crypto.SecretBytes;
import dev.kimen.fs.PrivateFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Set;

/**
 * The directory {@code file} projections are written to: fresh (0700) under
 * {@code $XDG_RUNTIME_DIR} (a tmpfs) or the temp dir, or one the user names. Files are 0600 and
 * written without following symlinks. {@link #close()} removes everything this object created,
 * and nothing else.
 *
 * <p>A fresh directory {@code kimen-N} has a lock file beside it, {@code kimen-N.lock}, that its
 * run holds locked for as long as it lives; the kernel lets go of the lock however the run ends.
 * A run killed before it could clean up (SIGKILL, a crash) leaves its directory, and the next
 * fresh one (or {@code session start}) removes every {@code kimen-N} of this user whose lock it
 * can take: proof that its owner is gone ({@link #sweep}).
 */
public final class FilesDir implements AutoCloseable {
    private static final String PREFIX = "kimen-";
    private static final String LOCK = ".lock";

    private final Path dir;
    private final boolean created;
    /** The lock a fresh directory's run holds, null for one the user named. */
    private final FileChannel owner;
    private final Deque<Path> written = new ArrayDeque<>();
    /** Cleans up when kimen is stopped by a signal before a child's status is known. */
    private final Thread onExit = new Thread(this::removeAll, "kimen-files-cleanup");

    private FilesDir(Path dir, boolean created, FileChannel owner) {
        this.dir = dir;
        this.created = created;
        this.owner = owner;
        Runtime.getRuntime().addShutdownHook(onExit);
    }

    /** A fresh private directory, after the stale ones of runs that died are swept away. */
    public static FilesDir fresh(Map<String, String> env) {
        Path base = dev.kimen.config.UserDirs.scratchBase(env);
        sweep(base);
        try {
            Path dir = Files.createTempDirectory(base, PREFIX, PosixFilePermissions.asFileAttribute(PrivateFiles.DIR_MODE));
            return new FilesDir(dir.toRealPath(), true, hold(dir));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Takes the lock of {@code dir}: made under a dot name (which the sweep never looks at),
     * locked, and only then given the name the sweep reads, so no sweep can take it in between.
     */
    private static FileChannel hold(Path dir) throws IOException {
        Path temp = Files.createTempFile(dir.getParent(), "." + dir.getFileName() + LOCK + "-", "",
                PosixFilePermissions.asFileAttribute(PrivateFiles.FILE_MODE));
        FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
        try {
            ch.lock();
            Files.move(temp, dir.resolveSibling(dir.getFileName() + LOCK), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            return ch;
        } catch (IOException | RuntimeException e) {
            ch.close();
            Files.deleteIfExists(temp);
            throw e;
        }
    }

    /**
     * Removes the fresh directories under {@code base} whose runs are gone: for each lock file
     * {@code kimen-N.lock} of this user that it can lock, {@code kimen-N} (if it is this user's
     * directory) and the lock file. A directory without a lock file is never touched. Best effort:
     * nothing here stops a run.
     */
    public static void sweep(Map<String, String> env) {
        sweep(dev.kimen.config.UserDirs.scratchBase(env));
    }

    static void sweep(Path base) {
        long uid = new com.sun.security.auth.module.UnixSystem().getUid();
        try (var locks = Files.newDirectoryStream(base, PREFIX + "*" + LOCK)) {
            for (Path lock : locks) {
                String name = lock.getFileName().toString();
                Path dir = base.resolve(name.substring(0, name.length() - LOCK.length()));
                if (!ownedBy(lock, uid, false)) {
                    continue;
                }
                try (FileChannel ch = FileChannel.open(lock, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
                     var held = ch.tryLock()) {
                    if (held == null) {
                        continue; // its run is alive
                    }
                    if (ownedBy(dir, uid, true)) {
                        PrivateFiles.deleteTree(dir);
                    }
                    Files.deleteIfExists(lock);
                } catch (IOException | java.nio.channels.OverlappingFileLockException e) {
                    // another sweep has it, or it went: leave it
                }
            }
        } catch (IOException | UncheckedIOException e) {
            // an unreadable base: nothing to sweep here
        }
    }

    /** Whether {@code p} is a regular file ({@code dir}: a directory) of user {@code uid}, not a link. */
    private static boolean ownedBy(Path p, long uid, boolean dir) {
        try {
            var attrs = Files.readAttributes(p, java.nio.file.attribute.PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            return (dir ? attrs.isDirectory() : attrs.isRegularFile())
                    && ((Number) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS)).longValue() == uid;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** A directory the user chose ({@code --files-dir}); created 0700 when missing. */
    public static FilesDir at(Path dir) {
        boolean existed = Files.isDirectory(dir);
        PrivateFiles.requirePrivateDir(dir);
        try {
            return new FilesDir(dir.toRealPath(), !existed, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path path() {
        return dir;
    }

    /** Writes {@code value} at the relative {@code path}, refusing anything that would leave the dir. */
    public synchronized Path write(String relative, SecretBytes value) {
        Path target = resolveInside(dir, relative, written::push);
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            // never overwrite (or later delete) something that is not ours
            throw unsafe(relative, "already exists in " + dir);
        }
        byte[] bytes = value.reveal();
        try (FileChannel ch = FileChannel.open(target, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS), PosixFilePermissions.asFileAttribute(PrivateFiles.FILE_MODE))) {
            written.push(target);
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            java.util.Arrays.fill(bytes, (byte) 0);
        }
        return target;
    }

    @Override
    public void close() {
        removeAll();
        try {
            Runtime.getRuntime().removeShutdownHook(onExit);
        } catch (IllegalStateException e) {
            // already shutting down: the hook does the same work
        }
    }

    private synchronized void removeAll() {
        while (!written.isEmpty()) {
            try {
                Files.deleteIfExists(written.pop());
            } catch (IOException ignored) {
                // a directory the child filled stays; removal is best effort past our own files
            }
        }
        if (created) {
            PrivateFiles.deleteTree(dir);
        }
        if (owner != null && owner.isOpen()) {
            try {
                Files.deleteIfExists(dir.resolveSibling(dir.getFileName() + LOCK)); // still ours: we hold it
                owner.close();
            } catch (IOException ignored) {
                // a lock file left alone is swept by a later run
            }
        }
    }

    /**
     * {@code relative} under {@code dir}, its missing parent directories created (0700, each
     * reported to {@code created}), refused when it would leave {@code dir} or pass a symlink.
     */
    public static Path resolveInside(Path dir, String relative, java.util.function.Consumer<Path> created) {
        Path target = dir.resolve(relative).normalize();
        if (!target.startsWith(dir) || target.equals(dir)) {
            throw unsafe(relative, "leaves the files directory");
        }
        Path parent = dir;
        for (Path part : dir.relativize(target.getParent())) {
            parent = parent.resolve(part);
            if (Files.isSymbolicLink(parent)) {
                throw unsafe(relative, "goes through a symlink");
            }
            if (!Files.exists(parent, LinkOption.NOFOLLOW_LINKS)) {
                try {
                    Files.createDirectory(parent, PosixFilePermissions.asFileAttribute(PrivateFiles.DIR_MODE));
                    created.accept(parent);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        if (Files.isSymbolicLink(target)) {
            throw unsafe(relative, "is a symlink");
        }
        return target;
    }

    private static KimenException unsafe(String path, String why) {
        return KimenException.of(Reason.UNSAFE_PATH, "file path '" + path + "' " + why,
                "file paths are relative and stay inside the files directory");
    }
}
