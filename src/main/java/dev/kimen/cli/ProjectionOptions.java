package dev.kimen.cli;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import dev.kimen.projection.Plan;
import dev.kimen.projection.profile.MapContents;
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
}
