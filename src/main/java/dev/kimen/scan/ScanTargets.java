package dev.kimen.scan;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import dev.kimen.process.HelperCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/** What {@code kimen scan} reads: files under paths, or the versions of files git has staged. */
public final class ScanTargets {
    /** Larger files are skipped (and counted): secrets hide in config, not in disk images. */
    public static final long MAX_BYTES = 64L * 1024 * 1024;

    private ScanTargets() {}

    /** What was read and what was passed over. */
    public record Counts(int files, List<String> skipped) {}

    /**
     * Every regular file under {@code roots} (a root may be a file), symlinks not followed, {@code .git}
     * directories left out, handed to {@code each} with its path as shown to the user (relative to
     * {@code cwd} when under it).
     */
    public static Counts files(List<Path> roots, Path cwd, BiConsumer<String, byte[]> each) {
        var skipped = new ArrayList<String>();
        int[] files = {0};
        for (Path root : roots) {
            if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                throw KimenException.of(Reason.CONFIG_NOT_FOUND, "no such file or directory: " + root);
            }
            try {
                Files.walkFileTree(root, new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                        return dir.getFileName() != null && dir.getFileName().toString().equals(".git") && !dir.equals(root)
                                ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                        String shown = shown(file, cwd);
                        if (!attrs.isRegularFile()) {
                            return FileVisitResult.CONTINUE;
                        }
                        if (attrs.size() > MAX_BYTES) {
                            skipped.add(shown);
                            return FileVisitResult.CONTINUE;
                        }
                        each.accept(shown, Files.readAllBytes(file));
                        files[0]++;
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFileFailed(Path file, IOException e) {
                        skipped.add(shown(file, cwd));
                        return FileVisitResult.CONTINUE;
                    }
                });
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return new Counts(files[0], List.copyOf(skipped));
    }

    /** The staged version (git's index) of every file added, copied, modified or renamed in it. */
    public static Counts staged(Path cwd, BiConsumer<String, byte[]> each) {
        String top = git(cwd, "rev-parse", "--show-toplevel").strip();
        byte[] names = HelperCommand.run(List.of("git", "-C", top, "diff", "--cached", "--name-only", "-z",
                "--diff-filter=ACMR"), "git", Reason.GIT_FAILED);
        int files = 0;
        for (String name : new String(names, StandardCharsets.UTF_8).split("\0")) {
            if (!name.isEmpty()) {
                each.accept(name, HelperCommand.run(List.of("git", "-C", top, "show", ":" + name), "git", Reason.GIT_FAILED));
                files++;
            }
        }
        return new Counts(files, List.of());
    }

    private static String git(Path cwd, String... args) {
        var argv = new ArrayList<>(List.of("git", "-C", cwd.toString()));
        argv.addAll(List.of(args));
        return new String(HelperCommand.run(argv, "git", Reason.GIT_FAILED), StandardCharsets.UTF_8);
    }

    private static String shown(Path file, Path cwd) {
        Path abs = file.toAbsolutePath().normalize();
        return abs.startsWith(cwd) ? cwd.relativize(abs).toString() : abs.toString();
    }
}
