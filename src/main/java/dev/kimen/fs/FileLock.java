package dev.kimen.fs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * An exclusive lock between processes on a side file ({@code <target>.lock}). The target itself
 * cannot carry the lock because every write replaces it with a new inode. The kernel drops the
 * lock when the holder dies, so a killed writer never blocks the next one.
 */
public final class FileLock implements AutoCloseable {
    private final FileChannel channel;

    private FileLock(FileChannel channel) {
        this.channel = channel;
    }

    /** Blocks until the lock for {@code target} is held. */
    public static FileLock acquire(Path target) {
        Path lockFile = target.resolveSibling(target.getFileName() + ".lock");
        PrivateFiles.createPrivateDirs(lockFile.toAbsolutePath().getParent());
        try {
            FileChannel ch = FileChannel.open(lockFile,
                    java.util.Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
                    PosixFilePermissions.asFileAttribute(PrivateFiles.FILE_MODE));
            try {
                ch.lock();
            } catch (IOException | RuntimeException e) {
                ch.close();
                throw e;
            }
            return new FileLock(ch);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            channel.close(); // closing releases the lock
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
