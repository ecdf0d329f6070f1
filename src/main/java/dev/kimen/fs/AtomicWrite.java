package dev.kimen.fs;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The durable part every kimen write shares, whatever the file's mode: the data goes to a temp
 * file in the target's directory (named {@code .<target>.tmp-<random>}), is fsynced, and only then
 * takes the target's name; the directory is fsynced after. A reader sees the old file or the new
 * one, never a part.
 */
final class AtomicWrite {
    /** Temp files are named {@code .<target>.tmp-<random>} so a later writer can sweep stale ones. */
    static final String TEMP_INFIX = ".tmp-";

    private AtomicWrite() {}

    /** Writes {@code data} to a new synced temp file beside {@code target}, with exactly {@code mode}. */
    static Path temp(Path target, byte[] data, Set<PosixFilePermission> mode) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Path temp = Files.createTempFile(dir, "." + target.getFileName() + TEMP_INFIX, "",
                PosixFilePermissions.asFileAttribute(mode));
        try {
            Files.setPosixFilePermissions(temp, mode); // the umask may have taken bits away
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ByteBuffer buf = ByteBuffer.wrap(data);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            return temp;
        } catch (IOException | RuntimeException e) {
            deleteQuietly(temp);
            throw e;
        }
    }

    /**
     * Renames {@code temp} over {@code target} and syncs the directory. Only a regular file (or a
     * symbolic link, which the rename replaces, never follows) is replaced: a FIFO, device, socket
     * or directory someone put at {@code target} is {@code unsafe_path}, and nothing is written.
     */
    static void replace(Path temp, Path target) throws IOException {
        try {
            requireReplaceable(target);
        } catch (RuntimeException e) {
            deleteQuietly(temp);
            throw e;
        }
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            deleteQuietly(temp);
            throw new IOException("cannot replace " + target + " atomically", e);
        } catch (IOException | RuntimeException e) {
            deleteQuietly(temp);
            throw e;
        }
        fsyncDir(target.toAbsolutePath().getParent());
    }

    /**
     * Gives {@code temp}'s content the name {@code target} only if nothing has that name: a hard
     * link fails when the name exists (whatever it is, a dangling symlink included), so there is no
     * window between the check and the write. Throws {@link java.nio.file.FileAlreadyExistsException}
     * then. The temp file is removed either way.
     */
    static void createOnly(Path temp, Path target) throws IOException {
        try {
            Files.createLink(target, temp);
        } finally {
            deleteQuietly(temp);
        }
        fsyncDir(target.toAbsolutePath().getParent());
    }

    /** {@code unsafe_path} unless nothing, a regular file or a symbolic link is at {@code target}. */
    static void requireReplaceable(Path target) {
        require(target, true);
    }

    /**
     * {@code unsafe_path} unless nothing or a regular file is at {@code path}: for a file opened in
     * place (a lock, a log), where a symbolic link would be written through.
     */
    static void requireRegular(Path path) {
        require(path, false);
    }

    private static void require(Path target, boolean linkReplaced) {
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(target, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (!attrs.isRegularFile() && !(linkReplaced && attrs.isSymbolicLink())) {
            String what = attrs.isDirectory() ? "a directory" : attrs.isSymbolicLink() ? "a symbolic link" : kindOf(target);
            throw KimenException.of(Reason.UNSAFE_PATH, target + " is " + what
                            + ", not a regular file: kimen writes only regular files, and changed nothing",
                    "give another path (for the terminal or a pipe: --out -)");
        }
    }

    /** What a special file is, as {@code ls -l} would say. */
    private static String kindOf(Path target) {
        try {
            int mode = ((Number) Files.getAttribute(target, "unix:mode", LinkOption.NOFOLLOW_LINKS)).intValue() & 0170000;
            return switch (mode) {
                case 0010000 -> "a FIFO";
                case 0020000 -> "a character device";
                case 0060000 -> "a block device";
                case 0140000 -> "a socket";
                default -> "a special file";
            };
        } catch (IOException | UnsupportedOperationException e) {
            return "a special file";
        }
    }

    static void fsyncDir(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    static void deleteQuietly(Path temp) {
        try {
            Files.deleteIfExists(temp);
        } catch (IOException ignored) {
            // best effort; a later writer sweeps it
        }
    }
}
