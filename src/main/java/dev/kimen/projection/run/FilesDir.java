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
 */
public final class FilesDir implements AutoCloseable {
    private final Path dir;
    private final boolean created;
    private final Deque<Path> written = new ArrayDeque<>();
    /** Cleans up when kimen is stopped by a signal before a child's status is known. */
    private final Thread onExit = new Thread(this::removeAll, "kimen-files-cleanup");

    private FilesDir(Path dir, boolean created) {
        this.dir = dir;
        this.created = created;
        Runtime.getRuntime().addShutdownHook(onExit);
    }

    /** A fresh private directory. */
    public static FilesDir fresh(Map<String, String> env) {
        String runtime = env.get("XDG_RUNTIME_DIR");
        Path base = runtime != null && !runtime.isEmpty() && Files.isDirectory(Path.of(runtime))
                ? Path.of(runtime) : Path.of(System.getProperty("java.io.tmpdir"));
        try {
            Path dir = Files.createTempDirectory(base, "kimen-", PosixFilePermissions.asFileAttribute(PrivateFiles.DIR_MODE));
            return new FilesDir(dir.toRealPath(), true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A directory the user chose ({@code --files-dir}); created 0700 when missing. */
    public static FilesDir at(Path dir) {
        boolean existed = Files.isDirectory(dir);
        PrivateFiles.requirePrivateDir(dir);
        try {
            return new FilesDir(dir.toRealPath(), !existed);
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
