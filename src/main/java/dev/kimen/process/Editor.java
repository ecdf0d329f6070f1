package dev.kimen.process;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import dev.kimen.fs.PrivateFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A value edited in the user's editor through a private file: a fresh 0700 directory on a tmpfs
 * when the user has one ({@code $XDG_RUNTIME_DIR}), else under the temp dir; a 0600 file in it;
 * the editor run on it without a shell; and every regular file left there (the value, the editor's
 * backup or swap file) overwritten, then all of it removed, whatever happened.
 */
public final class Editor {
    private final List<String> argv;
    private final Path base;

    private Editor(List<String> argv, Path base) {
        this.argv = argv;
        this.base = base;
    }

    /** {@code $VISUAL}, else {@code $EDITOR}, else {@code vi}: split on whitespace, as exec: sources are. */
    public static Editor of(Map<String, String> env) {
        String chosen = env.getOrDefault("VISUAL", "");
        if (chosen.isBlank()) {
            chosen = env.getOrDefault("EDITOR", "");
        }
        return new Editor(HelperCommand.split(chosen.isBlank() ? "vi" : chosen), dev.kimen.config.UserDirs.scratchBase(env));
    }

    /**
     * {@code value} as the user left it; the caller zeroes both arrays. A final newline is dropped
     * when {@code value} had none: editors add one. An editor that fails changes nothing (usage).
     */
    public byte[] edit(byte[] value) {
        Path dir;
        try {
            dir = Files.createTempDirectory(base, "kimen-edit-",
                    PosixFilePermissions.asFileAttribute(PrivateFiles.DIR_MODE));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            Path file = dir.resolve("value");
            PrivateFiles.create(file, value);
            int status = run(file);
            if (status != 0) {
                throw KimenException.of(Reason.USAGE, "the editor " + argv.getFirst() + " exited with status " + status
                        + "; nothing was changed");
            }
            return readBack(file, value);
        } finally {
            wipe(dir);
        }
    }

    private int run(Path file) {
        var command = new ArrayList<>(argv);
        command.add(file.toString());
        try {
            return new ProcessBuilder(command).inheritIO().start().waitFor();
        } catch (IOException e) {
            throw KimenException.of(Reason.USAGE, "cannot start the editor " + argv.getFirst() + ": " + e.getMessage(),
                    "set VISUAL or EDITOR to an editor on PATH");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw KimenException.of(Reason.USAGE, "interrupted while the editor ran; nothing was changed");
        }
    }

    private static byte[] readBack(Path file, byte[] before) {
        PrivateFiles.requireRegular(file); // the editor may have replaced it: still a regular file
        try {
            byte[] after = Files.readAllBytes(file);
            boolean added = after.length > 0 && after[after.length - 1] == '\n'
                    && (before.length == 0 || before[before.length - 1] != '\n');
            if (!added) {
                return after;
            }
            byte[] trimmed = Arrays.copyOf(after, after.length - 1);
            Arrays.fill(after, (byte) 0);
            return trimmed;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void wipe(Path dir) {
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                if (Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
                    try (var out = Files.newOutputStream(f, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
                        out.write(new byte[(int) Math.min(Files.size(f), 1 << 20)]);
                    }
                }
            }
        } catch (IOException e) {
            // removed below all the same
        }
        PrivateFiles.deleteTree(dir);
    }
}
