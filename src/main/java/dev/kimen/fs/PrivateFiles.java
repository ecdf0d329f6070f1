package dev.kimen.fs;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Files only their owner may read (0600) in directories only their owner may enter (0700),
 * replaced atomically and durably: write a temp file in the same directory, fsync it, rename it
 * over the target, fsync the directory ({@link AtomicWrite}; {@link PublicFiles} for 0644 files).
 */
public final class PrivateFiles {
    public static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");
    public static final Set<PosixFilePermission> DIR_MODE = PosixFilePermissions.fromString("rwx------");
    static final String TEMP_INFIX = AtomicWrite.TEMP_INFIX;

    private PrivateFiles() {}

    /** A mode as {@code ls -l} users write it in {@code chmod}: {@code 0600}. */
    public static String octal(Set<PosixFilePermission> perms) {
        String rwx = PosixFilePermissions.toString(perms);
        int mode = 0;
        for (int i = 0; i < 9; i++) {
            if (rwx.charAt(i) != '-') {
                mode |= 1 << (8 - i);
            }
        }
        return String.format("%04o", mode);
    }

    /** Creates {@code dir} and any missing parents; the ones created here get mode 0700. */
    public static void createPrivateDirs(Path dir) {
        Path abs = dir.toAbsolutePath();
        if (Files.isDirectory(abs)) {
            return;
        }
        Path parent = abs.getParent();
        if (parent != null) {
            createPrivateDirs(parent);
        }
        try {
            Files.createDirectory(abs, PosixFilePermissions.asFileAttribute(DIR_MODE));
            Files.setPosixFilePermissions(abs, DIR_MODE);
        } catch (FileAlreadyExistsException e) {
            // lost a race with another creator: fine as long as it is a directory
            if (!Files.isDirectory(abs)) {
                throw new UncheckedIOException(e);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Creates {@code dir} (0700) or, when it exists, requires that it is a real directory of this
     * user that no one else may enter: secrets are written only where only their owner can reach.
     */
    public static void requirePrivateDir(Path dir) {
        Path abs = dir.toAbsolutePath();
        if (!Files.exists(abs, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            createPrivateDirs(abs);
            return;
        }
        try {
            if (!Files.isDirectory(abs, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                throw KimenException.of(Reason.UNSAFE_PATH, abs + " is not a directory (or is a symlink)");
            }
            long owner = ((Number) Files.getAttribute(abs, "unix:uid", java.nio.file.LinkOption.NOFOLLOW_LINKS)).longValue();
            if (owner != new com.sun.security.auth.module.UnixSystem().getUid()) {
                throw KimenException.of(Reason.UNSAFE_PATH, abs + " belongs to another user",
                        "write secrets only into a directory of your own");
            }
            var perms = Files.getPosixFilePermissions(abs, java.nio.file.LinkOption.NOFOLLOW_LINKS);
            if (!DIR_MODE.containsAll(perms)) {
                throw KimenException.of(Reason.UNSAFE_PATH, abs + " has mode " + octal(perms)
                        + "; secrets go only into directories no one else can enter", "chmod 700 " + abs);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * {@code unsafe_path} when {@code target} is a FIFO, device, socket or directory, which no
     * writer here replaces: a command checks its output path with this before it does any work.
     */
    public static void requireWritable(Path target) {
        AtomicWrite.requireReplaceable(target);
    }

    /** {@code unsafe_path} unless nothing or a regular file is at {@code path} (a file opened in place: a lock, a log). */
    public static void requireRegular(Path path) {
        AtomicWrite.requireRegular(path);
    }

    /**
     * Atomically replaces (or creates) {@code target} with {@code data}, mode 0600, durably; only
     * a regular file (or a symbolic link, replaced and never followed) is replaced.
     */
    public static void write(Path target, byte[] data) {
        createPrivateDirs(target.toAbsolutePath().getParent());
        try {
            AtomicWrite.replace(AtomicWrite.temp(target, data, FILE_MODE), target);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Creates {@code target} with {@code data}, mode 0600, only if nothing is there yet (no window
     * between the check and the write).
     *
     * @return false, with nothing written, when {@code target} exists (as any kind of file)
     */
    public static boolean create(Path target, byte[] data) {
        createPrivateDirs(target.toAbsolutePath().getParent());
        try {
            AtomicWrite.createOnly(AtomicWrite.temp(target, data, FILE_MODE), target);
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Removes temp files a killed writer left next to {@code target}. Call with the lock held. */
    public static void sweepTemps(Path target) {
        Path dir = target.toAbsolutePath().getParent();
        String prefix = "." + target.getFileName() + TEMP_INFIX;
        try (var entries = Files.newDirectoryStream(dir, e -> e.getFileName().toString().startsWith(prefix))) {
            for (Path p : entries) {
                Files.deleteIfExists(p);
            }
        } catch (IOException ignored) {
            // nothing depends on the sweep
        }
    }

    /** Removes {@code root} and everything under it, as far as it can (best effort, no error). */
    public static void deleteTree(Path root) {
        try (var walk = Files.walk(root)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort: what cannot go stays
                }
            });
        } catch (IOException ignored) {
            // already gone
        }
    }

    public static void fsyncDir(Path dir) throws IOException {
        AtomicWrite.fsyncDir(dir);
    }
}
