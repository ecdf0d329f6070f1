package dev.kimen.cli;

import dev.kimen.projection.Plan;
import dev.kimen.projection.run.FilesDir;
import dev.kimen.projection.run.Projector;
import dev.kimen.projection.run.Runner;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kimen run}: project, start the command, pass its exit status through, clean up. */
@Command(name = "run", description = {"Run a command with projected secrets: environment variables, files and stdin.",
        "No shell is involved. Signals (INT, TERM, HUP) reach the command; kimen exits with its"
                + " status (128+n when it died of signal n) and removes every file it wrote."},
        footerHeading = "%nExamples:%n",
        footer = {"  kimen run --env DATABASE_URL=prod.database_url -- ./your-app",
                "  kimen run --profile prod -- ./your-app --port 5050",
                "  kimen run --map deploy.kmap --file creds.json=gcp_creds --envpath GOOGLE_APPLICATION_CREDENTIALS=creds.json -- gcloud auth list"})
public final class RunCommand extends BaseCommand {
    @Mixin VaultOptions vault;
    @Mixin ProjectionOptions projection;

    @Option(names = "--files-dir", paramLabel = "<dir>",
            description = "Write file projections here instead of a fresh private temp dir; the command gets $KIMEN_FILES_DIR either way.")
    String filesDir;

    @Parameters(paramLabel = "<command>", arity = "1..*", description = "The command and its arguments (after --).")
    List<String> command;

    public RunCommand(Context ctx) {
        super(ctx);
    }

    @Override
    public Integer call() {
        Plan plan = projection.plan(ctx).requireRunnable();
        plan.warnings().forEach(w -> ctx.warn(w.render()));
        try (var secrets = new VaultLookup(ctx, vault);
             var projected = Projector.project(plan, secrets, ctx.env(),
                     () -> filesDir == null ? FilesDir.fresh(ctx.env()) : FilesDir.at(ctx.resolve(filesDir)),
                     filesDir != null)) {
            secrets.close(); // values now live only in what the child gets
            return Runner.run(command, projected.env(), projected.stdin(), ctx.cwd());
        }
    }
}
