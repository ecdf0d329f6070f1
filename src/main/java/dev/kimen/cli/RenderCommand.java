package dev.kimen.cli;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import dev.kimen.json.Json;
import dev.kimen.projection.Plan;
import dev.kimen.projection.render.Renderer;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code kimen render}: write the file projections to a lasting directory. */
@Command(name = "render", description = {"Write the file projections to a directory that stays (dir 0700, files 0600),",
        "e.g. a systemd service's runtime dir. env and stdin lines are not rendered."},
        footerHeading = "%nExamples:%n",
        footer = {"  kimen render --profile prod --dir ./run/secrets",
                "  kimen render --profile prod --systemd-service api --print-systemd-hints   # under /run/kimen/api",
                "  kimen render --map api.kmap --systemd-service api --runtime-dir $XDG_RUNTIME_DIR"})
public final class RenderCommand extends BaseCommand {
    @Mixin VaultOptions vault;
    @Mixin ProjectionOptions projection;

    @Option(names = "--dir", paramLabel = "<path>", description = "Directory to write the files into.")
    String dir;

    @Option(names = "--systemd-service", paramLabel = "<name>", description = "Write under <runtime-dir>/kimen/<name>.")
    String service;

    @Option(names = "--runtime-dir", paramLabel = "<base>", description = "Base for --systemd-service (default /run).")
    String runtimeDir;

    @Option(names = "--print-systemd-hints", description = "Print Environment= lines for the unit (KIMEN_FILES_DIR and envpath variables).")
    boolean hints;

    public RenderCommand(Context ctx) {
        super(ctx);
    }

    @Override
    public Integer call() {
        Path target = target();
        Plan plan = projection.plan(ctx).requireRunnable();
        plan.warnings().forEach(w -> ctx.warn(w.render()));
        List<Path> files;
        try (var secrets = new VaultLookup(ctx, vault)) {
            files = Renderer.render(plan, secrets, target);
        }
        List<String> systemd = hints ? Renderer.systemdHints(plan, target) : List.of();
        String human = "wrote " + files.size() + " files to " + target
                + (systemd.isEmpty() ? "" : "\n" + String.join("\n", systemd));
        return ok("render", Json.object("dir", target.toString(),
                "files", files.stream().map(Path::toString).toList(), "systemd_hints", systemd), human);
    }

    private Path target() {
        if ((dir == null) == (service == null)) {
            throw KimenException.of(Reason.USAGE, "give exactly one of --dir or --systemd-service");
        }
        if (dir != null) {
            if (runtimeDir != null) {
                throw KimenException.of(Reason.USAGE, "--runtime-dir goes with --systemd-service");
            }
            return ctx.resolve(dir);
        }
        if (service.isEmpty() || service.contains("/") || service.equals(".") || service.equals("..")) {
            throw KimenException.of(Reason.UNSAFE_PATH, "service name '" + service + "' must be a plain name");
        }
        return ctx.resolve(runtimeDir == null ? "/run" : runtimeDir).resolve("kimen").resolve(service);
    }
}
