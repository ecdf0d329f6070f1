package dev.kimen.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code kimen render}: write the file projections to a lasting directory. */
@Command(name = "render", description = {"Write the file projections to a directory that stays: dir 0700, files 0600.",
        "For example a systemd service's runtime dir. env and stdin lines are not rendered."},
        footerHeading = "%nExamples:%n",
        footer = {"  kimen render --profile prod --dir ./run/secrets",
                "  kimen render --profile prod --systemd-service api --print-systemd-hints   # under /run/kimen/api",
                "  kimen render --map api.kmap --systemd-service api --runtime-dir $XDG_RUNTIME_DIR"})
public final class RenderCommand extends BaseCommand {
    @Mixin VaultOptions vault;
    @Mixin ProjectionOptions projection;
    @Mixin RenderOptions render;

    public RenderCommand(Context ctx) {
        super(ctx);
    }

    @Override
    public Integer call() {
        RenderOptions.Rendered r = render.render(ctx, projection.plan(ctx), vault);
        return ok("render", r.fields(), r.human());
    }
}
