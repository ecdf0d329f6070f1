package dev.kimen.cli;

import dev.kimen.projection.Plan;
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

    /** The plan refused when it cannot run, its warnings shown on stderr: the start of every projecting command. */
    static Plan runnable(Context ctx, Plan plan) {
        plan.requireRunnable().warnings().forEach(w -> ctx.warn(w.render()));
        return plan;
    }
}
