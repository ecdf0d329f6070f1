package dev.kimen.cli;

import dev.kimen.process.ChildEnv;
import dev.kimen.projection.Plan;
import dev.kimen.projection.run.FilesDir;
import dev.kimen.projection.run.Projector;
import dev.kimen.projection.run.Runner;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * What every command that starts a child shares ({@code run}, {@code project run}): the files
 * dir, the command itself, and the run. Only where the plan comes from differs between them.
 */
public final class RunOptions {
    @Option(names = "--files-dir", paramLabel = "<dir>",
            description = "Write file projections here instead of a fresh private temp dir; the command gets $KIMEN_FILES_DIR either way.")
    String filesDir;

    @Option(names = "--scrub", description = "Give the command only the projected variables plus a safelist of kimen's"
            + " own (PATH HOME TERM USER SHELL LANG TMPDIR; config: \"scrub\": {\"safelist\": [...]}), nothing else.")
    boolean scrub;

    @Parameters(paramLabel = "<command>", arity = "1..*", description = "The command and its arguments (after --).")
    List<String> command;

    /** Projects {@code plan}, starts the command, returns its exit status, removes what was written. */
    int run(Context ctx, Plan plan, VaultOptions vault) {
        ProjectionOptions.runnable(ctx, plan);
        try (var secrets = new VaultLookup(ctx, vault);
             var projected = Projector.project(plan, secrets, baseEnv(ctx),
                     () -> filesDir == null ? FilesDir.fresh(ctx.env()) : FilesDir.at(ctx.resolve(filesDir)),
                     filesDir != null)) {
            secrets.close(); // values now live only in what the child gets
            return Runner.run(command, projected.env(), projected.stdin(), ctx.cwd());
        }
    }

    /** What the command starts from before projection: kimen's environment, or only its safelisted part. */
    private Map<String, String> baseEnv(Context ctx) {
        Map<String, String> env = ChildEnv.of(ctx.env());
        if (scrub) {
            env.keySet().retainAll(ctx.config().scrubSafelist());
        }
        return env;
    }
}
