package dev.kimen.fs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
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

    /** Renames {@code temp} over {@code target} (replacing whatever is there) and syncs the directory. */
    static void replace(Path temp, Path target) throws IOException {
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
