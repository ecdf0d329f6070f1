package dev.kimen.cli;

import dev.kimen.json.Json;
import dev.kimen.projection.Plan;
import dev.kimen.projection.envfile.Envfile;
import dev.kimen.projection.envfile.EnvfileFormat;
import java.nio.file.Path;
import java.util.Arrays;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code kimen envfile}: the env projections written to a 0600 file. */
@Command(name = "envfile", description = {"Write the env projections to a file (mode 0600), for tools that read envfiles.",
        "dotenv (default) single-quotes for POSIX sh: `set -a; . FILE` gives back every value byte for byte.",
        "docker is docker's --env-file (no quoting; values with line breaks are refused); systemd is EnvironmentFile=."},
        footerHeading = "%nExamples:%n",
        footer = {"  kimen envfile --profile prod --out .env.runtime",
                "  kimen envfile --env API_KEY=api_key --out app.env --format docker && docker run --env-file app.env app",
                "  kimen envfile --profile prod --format systemd --out /run/app/env"})
public final class EnvfileCommand extends BaseCommand {
    @Mixin VaultOptions vault;
    @Mixin ProjectionOptions projection;

    @Option(names = "--out", required = true, paramLabel = "<path>", description = "File to write (replaced atomically, mode"
            + " 0600; only a regular file is replaced), or - for stdout (a pipe, never a terminal).")
    String out;

    @Option(names = "--format", paramLabel = "dotenv|docker|systemd", defaultValue = "dotenv",
            description = "Quoting rules of the reader: dotenv (default), docker or systemd.")
    EnvfileFormat format;

    public EnvfileCommand(Context ctx) {
        super(ctx);
    }

    @Override
    public Integer call() {
        Plan plan = ProjectionOptions.resolvable(ctx, projection.plan(ctx));
        Envfile.skipped(plan).forEach(p -> ctx.warn(p.origin() + ": " + p.kind().word() + " lines have no place in an envfile; skipped"));
        Path target = Outputs.target(ctx, out, json(), "an envfile");
        Envfile.Rendered rendered;
        try (var secrets = new VaultLookup(ctx, vault)) {
            rendered = Envfile.render(plan, secrets, format);
        }
        try {
            Outputs.write(ctx, target, rendered.bytes());
        } finally {
            Arrays.fill(rendered.bytes(), (byte) 0);
        }
        if (target == null) {
            return 0; // stdout holds the envfile: no report mixed in
        }
        return ok("envfile", Json.object("path", target.toString(), "format", format.name().toLowerCase(java.util.Locale.ROOT),
                "names", rendered.names()), "wrote " + dev.kimen.text.Counts.of(rendered.names().size(), "variable") + " to " + target);
    }
}
