package dev.kimen.cli;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import dev.kimen.projection.Plan;
import dev.kimen.projection.Projection;
import dev.kimen.projection.profile.MapContents;
import dev.kimen.projection.source.ValueSource;
import dev.kimen.shell.ProjectProfiles;
import dev.kimen.shell.Trust;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Optional;
import picocli.CommandLine.Mixin;

/** Where projections come from: a profile or a map file, then inline options (which win). */
public final class ProjectionOptions {
    @Mixin MapOptions source;
    @Mixin InlineProjections inline;

    /** Whether a profile or map was named. */
    public boolean hasMap() {
        return source.given();
    }

    /** Reads and checks everything; touches no vault. */
    public Plan plan(Context ctx) {
        return inline.plan(source.read(ctx));
    }

    /** A group's links, then the inline options; a group and a profile or map do not mix. */
    public Plan plan(MapContents group) {
        if (source.given()) {
            throw KimenException.of(Reason.USAGE, "give a group or --profile/--map, not both");
        }
        return inline.plan(group);
    }

    /** The plan refused when it cannot run, its warnings shown on stderr: the start of every projecting command. */
    static Plan runnable(Context ctx, Plan plan) {
        plan.requireRunnable().warnings().forEach(w -> ctx.warn(w.render()));
        return plan;
    }

    /**
     * {@link #runnable}, for a command about to resolve the values: a project's profile (a map in
     * a {@code .kimen/profiles/} a repository brings) may run {@code exec:} commands and read the
     * keyring only when the user allowed the project, as it is now ({@code untrusted_config}, 26).
     */
    static Plan resolvable(Context ctx, Plan plan) {
        runnable(ctx, plan);
        var checked = new HashSet<Path>();
        for (Projection p : plan.effective()) {
            if (!(p.source() instanceof ValueSource.Exec || p.source() instanceof ValueSource.Keyring)) {
                continue;
            }
            String file = p.origin().replaceFirst(":[0-9]+$", "");
            Optional<Path> dir = ProjectProfiles.holding(ctx.resolve(file));
            if (dir.isEmpty() || !checked.add(dir.get())) {
                continue; // the user's own profile, a --map elsewhere, an inline option, or checked already
            }
            Trust.State state = Trust.of(ctx.dirs()).state(ProjectProfiles.read(dir.get()));
            if (state != Trust.State.ALLOWED) {
                Path root = dir.get().toAbsolutePath().getParent();
                throw KimenException.of(Reason.UNTRUSTED_CONFIG, p.origin() + ": " + p.source().describe().split(":")[0]
                                + ": runs only in a project you allowed, and " + root + (state == Trust.State.CHANGED
                                ? " changed since you allowed it" : " is not allowed"),
                        "review " + dir.get() + ", then run: " + Cli.program() + " allow " + root);
            }
        }
        return plan;
    }
}
