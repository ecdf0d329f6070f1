package dev.kimen.cli;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import dev.kimen.projection.profile.KmapParser;
import dev.kimen.projection.profile.MapContents;
import dev.kimen.projection.profile.ProfileLocator;
import dev.kimen.shell.ProjectProfiles;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Which map a command reads: a profile by name or a file by path, at most one of them. */
public final class MapOptions {
    @Option(names = {"-p", "--profile"}, paramLabel = "<name>",
            description = "Profile <name>.kmap, looked up in $KIMEN_PROFILE_DIR, ./.kimen/profiles,"
                    + " $XDG_CONFIG_HOME/kimen/profiles, ~/.config/kimen/profiles.")
    String profile;

    @Option(names = "--map", paramLabel = "<path>", description = "A .kmap file by path.")
    String map;

    /** Whether a profile or map was named. */
    public boolean given() {
        return profile != null || map != null;
    }

    /** The map file named, or null with none. */
    public Path path(Context ctx) {
        if (profile != null && map != null) {
            throw KimenException.of(Reason.USAGE, "give --profile or --map, not both");
        }
        if (profile != null) {
            Path found = ProfileLocator.find(profile, ctx.env(), ctx.cwd());
            if (ProjectProfiles.holding(found).isPresent()) {
                ProfileLocator.shadowed(profile, ctx.env(), ctx.cwd(), found).forEach(mine -> ctx.warn("the project's "
                        + found + " is used for --profile " + profile + ", not your " + mine));
            }
            return found;
        }
        return map == null ? null : ctx.resolve(map);
    }

    /** The named map read and parsed; {@link MapContents#NONE} with none. */
    public MapContents read(Context ctx) {
        Path path = path(ctx);
        if (path == null) {
            return MapContents.NONE;
        }
        // origins show a --map as the user wrote it, a profile by where it was found
        return KmapParser.read(path, profile == null ? map : path.toString());
    }
}
