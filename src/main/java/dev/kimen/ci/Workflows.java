package dev.kimen.ci;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import dev.kimen.fs.PublicFiles;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;

/** Writes a {@link CiTemplate} into a repository, refusing to replace a file unless told to. */
public final class Workflows {
    private Workflows() {}

    /** What {@link #write} did. */
    public record Written(Path path, boolean replaced) {}

    /**
     * The root of the git work tree holding {@code dir}: the nearest directory at or above it with
     * a {@code .git} entry (a directory, or the file of a linked worktree or submodule).
     */
    public static Optional<Path> gitRoot(Path dir) {
        for (Path d = dir.toAbsolutePath().normalize(); d != null; d = d.getParent()) {
            if (Files.exists(d.resolve(".git"), LinkOption.NOFOLLOW_LINKS)) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }

    /**
     * Writes {@code template} (with kimen's {@code source} written in) to {@code root/.github/workflows/},
     * mode 0644, atomically. An existing
     * file is replaced only with {@code force}; otherwise nothing is written and the reason is
     * {@code file_exists}. A directory in the way is never replaced.
     */
    public static Written write(Path root, CiTemplate template, CiTemplate.Source source, boolean force) {
        if (!Files.isDirectory(root)) {
            throw KimenException.of(Reason.USAGE, root + " is not a directory", "give the repository's root with --dir <path>");
        }
        Path target = root.resolve(template.workflowPath());
        if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
            throw KimenException.of(Reason.FILE_EXISTS, target + " is a directory; not replacing it",
                    "remove or rename the directory first");
        }
        byte[] content = template.content(source);
        if (force) {
            boolean existed = Files.exists(target, LinkOption.NOFOLLOW_LINKS);
            PublicFiles.write(target, content);
            return new Written(target, existed);
        }
        if (!PublicFiles.create(target, content)) {
            throw KimenException.of(Reason.FILE_EXISTS, target + " already exists; not overwriting it",
                    "to replace it with kimen's template (your edits to it are lost): kimen init "
                            + template.templateName() + " --force");
        }
        return new Written(target, false);
    }
}
