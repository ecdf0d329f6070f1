package dev.kimen.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The root command. Its subcommands are registered by {@link Cli} (see {@link Cli#KIMEN}). */
@Command(name = "kimen", versionProvider = Version.class,
        description = {"Local-first secrets: an encrypted vault, projected into one command's environment.", ""},
        footerHeading = "%nExamples:%n",
        footer = {"  kimen vault init",
                "  kimen secret set prod.database_url",
                "  kimen secret list",
                "  kimen run --env DATABASE_URL=prod.database_url -- ./your-app",
                "",
                "Exit codes and the JSON interface are listed in the README. Every command takes --json and --help."})
public final class KimenCommand extends BaseCommand {
    @Spec CommandSpec spec;
    @Mixin VaultOptions vault;

    @Option(names = {"-V", "--version"}, versionHelp = true, description = "Print the version and exit.")
    boolean version;

    public KimenCommand(Context ctx) {
        super(ctx);
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(ctx.out());
        return 0;
    }
}
