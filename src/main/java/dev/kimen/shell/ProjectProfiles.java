package dev.kimen.shell;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import dev.kimen.crypto.Sha256;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A project's {@code .kimen/} as trust sees it (issue 22): the profiles a cloned repository brings
 * ({@code .kimen/profiles/*.kmap}) and its {@code default-profile}. Their {@code exec:} lines run
 * commands and their {@code keyring:} lines read the OS keyring, so they run only once the user
 * allowed the project ({@code kimen allow} records this digest beside the {@code .mima.yaml}'s),
 * and editing any of these files blocks them until it is allowed again.
 *
 * @param real the {@code .kimen} directory, symlinks resolved: where trust is recorded
 * @param profiles the profile files hashed, in name order
 */
public record ProjectProfiles(Path real, String digest, List<Path> profiles) {
    public static final String DIR = ".kimen";

    /** The {@code .kimen} directory that holds {@code map} as one of its profiles, if it does. */
    public static Optional<Path> holding(Path map) {
        Path abs = map.toAbsolutePath().normalize();
        Path profiles = abs.getParent();
        if (profiles == null || !profiles.getFileName().toString().equals("profiles") || profiles.getParent() == null
                || !profiles.getParent().getFileName().toString().equals(DIR)) {
            return Optional.empty();
        }
        return Optional.of(profiles.getParent());
    }

    /** The nearest {@code .kimen/} directory at or above {@code dir}. */
    public static Optional<Path> nearest(Path dir) {
        for (Path d = dir.toAbsolutePath().normalize(); d != null; d = d.getParent()) {
            if (Files.isDirectory(d.resolve(DIR), LinkOption.NOFOLLOW_LINKS)) {
                return Optional.of(d.resolve(DIR));
            }
        }
        return Optional.empty();
    }

    /** Reads and hashes the {@code .kimen} directory {@code kimenDir}. */
    public static ProjectProfiles read(Path kimenDir) {
        try {
            Path real = kimenDir.toRealPath();
            MessageDigest digest = Sha256.digest();
            ProjectFile.field(digest, "kimen-trust-profiles-v1".getBytes(StandardCharsets.US_ASCII));
            ProjectFile.field(digest, real.toString().getBytes(StandardCharsets.UTF_8));
            Path override = real.resolve("default-profile");
            ProjectFile.field(digest, Files.isRegularFile(override, LinkOption.NOFOLLOW_LINKS) ? Files.readAllBytes(override) : new byte[0]);
            List<Path> profiles;
            Path dir = real.resolve("profiles");
            if (Files.isDirectory(dir)) {
                try (Stream<Path> files = Files.list(dir)) {
                    profiles = files.filter(f -> f.getFileName().toString().endsWith(".kmap")).sorted().toList();
                }
            } else {
                profiles = List.of();
            }
            for (Path p : profiles) {
                ProjectFile.field(digest, p.getFileName().toString().getBytes(StandardCharsets.UTF_8));
                // a link or FIFO among them is hashed as its kind, never followed or opened
                ProjectFile.field(digest, Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) ? Files.readAllBytes(p)
                        : "not a regular file".getBytes(StandardCharsets.US_ASCII));
            }
            return new ProjectProfiles(real, HexFormat.of().formatHex(digest.digest()), profiles);
        } catch (IOException e) {
            throw KimenException.wrap(Reason.INVALID_CONFIG, "cannot read " + kimenDir + ": " + e.getMessage(), e);
        }
    }
}
