package dev.kimen.projection.profile;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import dev.kimen.config.UserDirs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Finds {@code <name>.kmap}, first match wins: {@code $KIMEN_PROFILE_DIR}, {@code ./.kimen/profiles},
 * {@code $XDG_CONFIG_HOME/kimen/profiles}, {@code $HOME/.config/kimen/profiles}.
 */
public final class ProfileLocator {
    private ProfileLocator() {}

    /** The directories searched, in order. */
    public static List<Path> searchPath(Map<String, String> env, Path cwd) {
        var dirs = new ArrayList<Path>();
        String profileDir = env.get("KIMEN_PROFILE_DIR");
        if (profileDir != null && !profileDir.isEmpty()) {
            dirs.add(cwd.resolve(profileDir));
        }
        dirs.add(cwd.resolve(".kimen/profiles"));
        UserDirs user = UserDirs.from(env);
        dirs.add(user.kimenConfigDir().resolve("profiles"));
        Path homeProfiles = user.home().resolve(".config/kimen/profiles");
        if (!dirs.contains(homeProfiles)) {
            dirs.add(homeProfiles);
        }
        return dirs;
    }

    /**
     * The profiles of the same name that {@code found} hides: a project's
     * {@code ./.kimen/profiles/<name>.kmap} wins over the user's own, which it should say.
     */
    public static List<Path> shadowed(String name, Map<String, String> env, Path cwd, Path found) {
        var hidden = new ArrayList<Path>();
        boolean after = false;
        for (Path dir : searchPath(env, cwd)) {
            Path candidate = dir.resolve(name + ".kmap").toAbsolutePath().normalize();
            if (after && Files.isRegularFile(candidate) && !candidate.equals(found)) {
                hidden.add(candidate);
            }
            after |= candidate.equals(found);
        }
        return hidden;
    }

    /** {@code name}, refused ({@code usage}) unless it can name a file of a profile directory. */
    public static String checkName(String name) {
        if (name.isEmpty() || name.contains("/") || name.equals(".") || name.equals("..")) {
            throw KimenException.of(Reason.USAGE, "profile name '" + name + "' must not contain '/'",
                    "to use a file by path, pass --map <path>");
        }
        return name;
    }

    public static Path find(String name, Map<String, String> env, Path cwd) {
        checkName(name);
        List<Path> dirs = searchPath(env, cwd);
        for (Path dir : dirs) {
            Path candidate = dir.resolve(name + ".kmap");
            if (Files.isRegularFile(candidate)) {
                return candidate.toAbsolutePath().normalize();
            }
        }
        throw KimenException.of(Reason.PROFILE_NOT_FOUND, "no profile named " + name,
                "looked for " + name + ".kmap in " + String.join(", ", dirs.stream().map(Path::toString).toList()));
    }
}
