package dev.kimen.shell;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import dev.kimen.config.UserDirs;
import dev.kimen.crypto.Sha256;
import dev.kimen.fs.PrivateFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Which project configs the user allowed, in the user's data dir (never in the project, which a
 * clone could bring along): one 0600 file per config, named by the hash of its real path and
 * holding the digest of what was allowed ({@link ProjectFile#digest()}). One file each, so two
 * {@code allow}s at once never lose one another, and the directory's mtime tells the hook that
 * something was allowed or denied.
 */
public final class Trust {
    /** What {@link #state} finds. */
    public enum State {
        ALLOWED, NOT_ALLOWED, CHANGED
    }

    private final Path dir;

    public Trust(Path dir) {
        this.dir = dir;
    }

    public static Trust of(UserDirs dirs) {
        return new Trust(dirs.kimenDataDir().resolve("trust"));
    }

    /** The store's directory: the hook watches it. */
    public Path dir() {
        return dir;
    }

    public State state(ProjectFile project) {
        Optional<String> recorded = recorded(project.real());
        if (recorded.isEmpty()) {
            return State.NOT_ALLOWED;
        }
        return recorded.get().equals(project.digest()) && project.problem() == null ? State.ALLOWED : State.CHANGED;
    }

    /** Whether a project's {@code .kimen/} is allowed as it is now. */
    public State state(ProjectProfiles profiles) {
        Optional<String> recorded = recorded(profiles.real());
        return recorded.isEmpty() ? State.NOT_ALLOWED
                : recorded.get().equals(profiles.digest()) ? State.ALLOWED : State.CHANGED;
    }

    /** Records a project's {@code .kimen/} as it is now. */
    public void allow(ProjectProfiles profiles) {
        record(profiles.real(), profiles.digest());
    }

    /** Records {@code project} as it is now; a config that does not parse is refused (INVALID_CONFIG). */
    public void allow(ProjectFile project) {
        project.requireConfig();
        record(project.real(), project.digest());
    }

    private void record(Path real, String digest) {
        PrivateFiles.write(entry(real), (digest + "\n" + real + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** Forgets {@code real}; false when it was not allowed. */
    public boolean deny(Path real) {
        try {
            return Files.deleteIfExists(entry(real));
        } catch (IOException e) {
            throw KimenException.wrap(Reason.INTERNAL, "cannot remove " + entry(real) + ": " + e.getMessage(), e);
        }
    }

    private Optional<String> recorded(Path real) {
        try {
            return Files.readAllLines(entry(real), StandardCharsets.UTF_8).stream().findFirst();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw KimenException.wrap(Reason.INTERNAL, "cannot read " + entry(real) + ": " + e.getMessage(), e);
        }
    }

    private Path entry(Path real) {
        return dir.resolve(Sha256.hex(real.toString().getBytes(StandardCharsets.UTF_8)));
    }
}
