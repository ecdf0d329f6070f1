package dev.kimen.fs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An exclusive lock between processes on a side file ({@code <target>.lock}). The target itself
 * cannot carry the lock because every write replaces it with a new inode. The kernel drops the
 * lock when the holder dies, so a killed writer never blocks the next one.
 *
 * <p>The JVM refuses a second {@code FileChannel.lock} on one file from the same process, so
 * threads of one process first queue on an in-memory lock for the same path.
 */
public final class FileLock implements AutoCloseable {
    private static final ConcurrentHashMap<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();

    private final ReentrantLock threadLock;
    private final FileChannel channel;

    private FileLock(ReentrantLock threadLock, FileChannel channel) {
        this.threadLock = threadLock;
        this.channel = channel;
    }

    /** Blocks until the lock for {@code target} is held. */
    public static FileLock acquire(Path target) {
        return on(target.toAbsolutePath().normalize().resolveSibling(target.getFileName() + ".lock"));
    }

    /** Blocks until the lock on {@code lockFile} itself is held (for a target whose directory is not ours to litter). */
    public static FileLock on(Path lockFile) {
        PrivateFiles.createPrivateDirs(lockFile.getParent());
        ReentrantLock threadLock = IN_PROCESS.computeIfAbsent(lockFile, p -> new ReentrantLock());
        threadLock.lock();
        try {
            // Never through a FIFO (the open would block) or a link someone put at the lock's name.
            PrivateFiles.requireRegular(lockFile);
            FileChannel ch = FileChannel.open(lockFile,
                    java.util.Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS),
                    PosixFilePermissions.asFileAttribute(PrivateFiles.FILE_MODE));
            try {
                ch.lock();
            } catch (IOException | RuntimeException e) {
                ch.close();
                throw e;
            }
            return new FileLock(threadLock, ch);
        } catch (IOException e) {
            threadLock.unlock();
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            threadLock.unlock();
            throw e;
        }
    }

    @Override
    public void close() {
        try {
            channel.close(); // closing releases the lock
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            threadLock.unlock();
        }
    }
}
