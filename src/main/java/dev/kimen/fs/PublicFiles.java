package dev.kimen.fs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Files that hold no secret and are meant to be read and committed, such as the workflows of
 * {@code kimen init}: mode 0644 in directories made as the umask says, written as durably and
 * atomically as {@link PrivateFiles} writes secrets.
 */
public final class PublicFiles {
    public static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-r--r--");

    private PublicFiles() {}

    /** Atomically replaces (or creates) {@code target} with {@code data}, mode 0644. */
    public static void write(Path target, byte[] data) {
        write(target, data, FILE_MODE);
    }

    /** {@link #write} for a script, mode 0755. */
    public static void writeExecutable(Path target, byte[] data) {
        write(target, data, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private static void write(Path target, byte[] data, Set<PosixFilePermission> mode) {
        try {
            Files.createDirectories(target.toAbsolutePath().getParent());
            AtomicWrite.replace(AtomicWrite.temp(target, data, mode), target);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Creates {@code target} with {@code data}, mode 0644, only if nothing is there yet.
     *
     * @return false, with nothing written, when {@code target} exists (as any kind of file)
     */
    public static boolean create(Path target, byte[] data) {
        try {
            Files.createDirectories(target.toAbsolutePath().getParent());
            AtomicWrite.createOnly(AtomicWrite.temp(target, data, FILE_MODE), target);
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
