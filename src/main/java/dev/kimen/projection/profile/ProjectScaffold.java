package dev.kimen.projection.profile;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import dev.kimen.fs.PrivateFiles;
import dev.kimen.fs.PublicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;

/**
 * A project's first profile ({@code kimen init}): {@code .kimen/profiles/<name>.kmap}, which holds
 * names, never values, and is committed (0644); {@code .kimen/default-profile} naming it when the
 * project has none; and, for a dotenv file whose values went into the vault, a {@code .gitignore}
 * line.
 */
public final class ProjectScaffold {
    private ProjectScaffold() {}

    /** What was written: the profile, and whether the default-profile pointer was new. */
    public record Written(Path map, Path pointer, boolean pointed) {}

    /** The profile's path, refused ({@code file_exists}) when one is there and {@code force} is not given. */
    public static Path requireNew(Path root, String profile, boolean force) {
        Path map = root.resolve(".kimen").resolve("profiles").resolve(ProfileLocator.checkName(profile) + ".kmap");
        if (Files.exists(map, LinkOption.NOFOLLOW_LINKS) && !force) {
            throw KimenException.of(Reason.FILE_EXISTS, map + " already exists; not overwriting it",
                    "edit it, or pass --force to write it again");
        }
        return map;
    }

    /**
     * Writes the profile at {@code map} (from {@link #requireNew}), one {@code env} line per entry of
     * {@code env} (variable to secret name), after examples.
     */
    public static Written write(Path map, String profile, Map<String, String> env) {
        var text = new StringBuilder("# kimen profile " + profile + ": what `kimen project run -- <command>` gives the command.\n"
                + "# Names of secrets, never values: commit this file. Check it with: kimen map lint --profile " + profile + "\n"
                + "#   env NAME=secret-name        a secret from the vault (kimen secret set secret-name)\n"
                + "#   env NAME=const:text         a literal\n"
                + "#   file creds.json=secret-name a file in the run's private files dir (0600, removed after)\n");
        env.forEach((name, secret) -> text.append("env ").append(name).append('=').append(secret).append('\n'));
        PublicFiles.write(map, text.toString().getBytes(StandardCharsets.UTF_8));
        Path pointer = map.getParent().resolveSibling(ProjectProfile.OVERRIDE_FILE); // .kimen/default-profile
        boolean pointed = PublicFiles.create(pointer, (profile + "\n").getBytes(StandardCharsets.UTF_8));
        return new Written(map, pointer, pointed);
    }

    /**
     * Adds {@code file} to {@code root}'s .gitignore, as {@code /path} from the root, unless a line
     * already names it or it lies outside the project; whether a line was added.
     */
    public static boolean ignore(Path root, Path file) {
        Path gitignore = root.resolve(".gitignore");
        String entry = "/" + root.toAbsolutePath().normalize().relativize(file.toAbsolutePath().normalize());
        if (entry.startsWith("/..")) {
            return false;
        }
        String current = "";
        try {
            if (Files.exists(gitignore)) {
                PrivateFiles.requireRegular(gitignore);
                current = Files.readString(gitignore, StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String bare = entry.substring(1);
        if (current.lines().map(String::strip).anyMatch(l -> l.equals(entry) || l.equals(bare))) {
            return false;
        }
        String added = (current.isEmpty() || current.endsWith("\n") ? current : current + "\n")
                + "# kimen: its values are in the vault now\n" + entry + "\n";
        PublicFiles.write(gitignore, added.getBytes(StandardCharsets.UTF_8));
        return true;
    }
}
