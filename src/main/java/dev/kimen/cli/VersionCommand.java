package dev.kimen.cli;

import dev.kimen.json.Json;
import picocli.CommandLine.Command;

/** {@code kimen version}. */
@Command(name = "version", description = "Print kimen's version.",
        footerHeading = "%nExamples:%n", footer = {"  kimen version", "  kimen version --json"})
public final class VersionCommand extends BaseCommand {
    public VersionCommand(Context ctx) {
        super(ctx);
    }

    @Override
    public Integer call() {
        return ok("version", Json.object("version", Version.VALUE), Cli.program() + " " + Version.VALUE);
    }
}
