package dev.kimen.projection.profile;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A project's default profile, for {@code kimen project …}. The project is the nearest directory,
 * at or above the working directory, that holds a {@code .kimen/} directory (as git finds
 * {@code .git/}). Its default profile is {@code .kimen/profiles/default.kmap}, unless the one-line
 * file {@code .kimen/default-profile} names another: {@code .kimen/profiles/<name>.kmap} of the
 * same project. {@code $KIMEN_PROFILE_DIR} and the user's profile dirs play no part: a project's
 * default is the project's.
 *
 * @param root the project directory (the parent of {@code .kimen/})
 * @param name the profile's name
 * @param map  its {@code .kmap} file, which exists
 */
public record ProjectProfile(Path root, String name, Path map) {
    public static final String DIR = ".kimen";
    public static final String DEFAULT_NAME = "default";
    /** The file in {@code .kimen/} that names another default. */
    public static final String OVERRIDE_FILE = "default-profile";

    public static ProjectProfile find(Path cwd) {
        Path start = cwd.toAbsolutePath().normalize();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve(DIR))) {
                return in(dir);
            }
        }
        throw KimenException.of(Reason.PROFILE_NOT_FOUND, "not in a kimen project: no " + DIR + "/ directory in "
                        + start + " or any directory above it",
                "create " + DIR + "/profiles/" + DEFAULT_NAME + ".kmap at the project's root, or name a profile with: kimen run --profile <name>");
    }

    /** The default profile of the project at {@code root}. */
    static ProjectProfile in(Path root) {
        Path kimenDir = root.resolve(DIR);
        Path override = kimenDir.resolve(OVERRIDE_FILE);
        String name = Files.exists(override) ? readName(override) : DEFAULT_NAME;
        Path map = kimenDir.resolve("profiles").resolve(name + ".kmap");
        if (!Files.isRegularFile(map)) {
            throw KimenException.of(Reason.PROFILE_NOT_FOUND, "the project at " + root + " has no profile " + name
                            + " (no file " + map + ")",
                    Files.exists(override) ? "create it, or name another profile in " + override
                            : "create it, or name the default profile in " + override);
        }
        return new ProjectProfile(root, name, map);
    }

    private static String readName(Path override) {
        List<String> lines;
        try {
            lines = Files.readString(override, StandardCharsets.UTF_8).strip().lines().toList();
        } catch (IOException e) {
            throw KimenException.of(Reason.INVALID_CONFIG, "cannot read " + override + ": " + e.getMessage());
        }
        String name = lines.size() == 1 ? lines.getFirst().strip() : "";
        if (name.isEmpty() || name.equals(".") || name.equals("..") || name.chars().anyMatch(c -> c == '/' || c == 0
                || Character.isWhitespace(c))) {
            throw KimenException.of(Reason.INVALID_CONFIG, override + " must hold one profile name on one line"
                    + " (no '/', no spaces)", "e.g. echo prod > " + override);
        }
        return name;
    }
}
