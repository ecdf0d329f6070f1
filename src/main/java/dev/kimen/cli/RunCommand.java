package dev.kimen.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code kimen run}: project, start the command, pass its exit status through, clean up. */
@Command(name = "run", description = {"Run a command with projected secrets: environment variables, files and stdin.",
        "No shell is involved. Signals (INT, TERM, HUP, QUIT) reach the command; kimen exits with its"
                + " status (128+n when it died of signal n) and removes every file it wrote."},
        footerHeading = "%nExamples:%n",
        footer = {"  kimen run --env DATABASE_URL=prod.database_url -- ./your-app",
                "  kimen run --profile prod -- ./your-app --port 5050",
                "  kimen run --map deploy.kmap --file creds.json=gcp_creds --envpath GOOGLE_APPLICATION_CREDENTIALS=creds.json -- gcloud auth list"})
public final class RunCommand extends BaseCommand {
    @Mixin VaultOptions vault;
    @Mixin ProjectionOptions projection;
    @Mixin RunOptions run;

    public RunCommand(Context ctx) {
        super(ctx);
    }

    @Override
    public Integer call() {
        return run.run(ctx, projection.plan(ctx), vault);
    }
}
