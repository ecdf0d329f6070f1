package dev.kimen.cli;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import dev.kimen.projection.Plan;
import dev.kimen.projection.Problem;
import dev.kimen.projection.Projection;
import dev.kimen.projection.Projection.Kind;
import dev.kimen.projection.profile.KmapParser;
import dev.kimen.projection.profile.MapContents;
import dev.kimen.projection.profile.ProfileLocator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Where projections come from: a profile or a map file, then inline options (which win). */
public final class ProjectionOptions {
    @Option(names = {"-p", "--profile"}, paramLabel = "<name>",
            description = "Profile <name>.kmap, looked up in $KIMEN_PROFILE_DIR, ./.kimen/profiles,"
                    + " $XDG_CONFIG_HOME/kimen/profiles, ~/.config/kimen/profiles.")
    String profile;

    @Option(names = "--map", paramLabel = "<path>", description = "A .kmap file by path.")
    String map;

    @Option(names = "--env", paramLabel = "NAME=source", description = "Set NAME from a source (repeatable).")
    List<String> env = new ArrayList<>();

    @Option(names = "--file", paramLabel = "path=source", description = "Write a file in the files dir (repeatable).")
    List<String> file = new ArrayList<>();

    @Option(names = "--envpath", paramLabel = "NAME=path", description = "Set NAME to the full path of a projected file (repeatable).")
    List<String> envpath = new ArrayList<>();

    @Option(names = "--stdin", paramLabel = "source", description = "Give the command this value as its stdin.")
    List<String> stdin = new ArrayList<>();

    /** Whether a profile or map was named. */
    public boolean hasMap() {
        return profile != null || map != null;
    }

    /** The map file in use, or null with none. */
    public Path mapPath(Context ctx) {
        if (profile != null && map != null) {
            throw KimenException.of(Reason.USAGE, "give --profile or --map, not both");
        }
        if (profile != null) {
            return ProfileLocator.find(profile, ctx.env(), ctx.cwd());
        }
        return map == null ? null : ctx.resolve(map);
    }

    /** Reads and checks everything; touches no vault. */
    public Plan plan(Context ctx) {
        Path path = mapPath(ctx);
        var problems = new ArrayList<Problem>();
        List<Projection> fromMap = List.of();
        if (path != null) {
            MapContents contents = KmapParser.parse(read(path, profile == null ? map : path.toString()),
                    profile == null ? map : path.toString());
            fromMap = contents.projections();
            problems.addAll(contents.problems());
        }
        var inline = new ArrayList<Projection>();
        addInline(Kind.ENV, env, inline, problems);
        addInline(Kind.FILE, file, inline, problems);
        addInline(Kind.ENVPATH, envpath, inline, problems);
        addInline(Kind.STDIN, stdin, inline, problems);
        return Plan.of(fromMap, inline, problems);
    }

    private static void addInline(Kind kind, List<String> values, List<Projection> out, List<Problem> problems) {
        for (String v : values) {
            Projection p = KmapParser.inline(kind, v, problems);
            if (p != null) {
                out.add(p);
            }
        }
    }

    private static String read(Path path, String shown) {
        try {
            return Files.readString(path, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw KimenException.of(Reason.PROFILE_NOT_FOUND, "no map file at " + shown);
        } catch (IOException e) {
            throw KimenException.of(Reason.MAP_INVALID, "cannot read map " + shown + ": " + e.getMessage());
        }
    }
}
