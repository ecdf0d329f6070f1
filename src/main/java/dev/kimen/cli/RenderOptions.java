package dev.kimen.cli;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import dev.kimen.json.Json;
import dev.kimen.projection.Plan;
import dev.kimen.projection.render.Renderer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * What every command that renders shares ({@code render}, {@code project render}): where the
 * files go, and the rendering. Only where the plan comes from differs between them.
 */
public final class RenderOptions {
    @Option(names = "--dir", paramLabel = "<path>", description = "Directory to write the files into.")
    String dir;

    @Option(names = "--systemd-service", paramLabel = "<name>", description = "Write under <runtime-dir>/kimen/<name>.")
    String service;

    @Option(names = "--runtime-dir", paramLabel = "<base>", description = "Base for --systemd-service (default /run).")
    String runtimeDir;

    @Option(names = "--print-systemd-hints", description = "Print Environment= lines for the unit (KIMEN_FILES_DIR and envpath variables).")
    boolean hints;

    /** What was rendered, for {@code --json} and for people. */
    record Rendered(Map<String, Object> fields, String human) {}

    Rendered render(Context ctx, Plan plan, VaultOptions vault) {
        Path target = target(ctx);
        ProjectionOptions.resolvable(ctx, plan);
        List<Path> files;
        try (var secrets = new VaultLookup(ctx, vault)) {
            files = Renderer.render(plan, secrets, target);
        }
        List<String> systemd = hints ? Renderer.systemdHints(plan, target) : List.of();
        return new Rendered(Json.object("dir", target.toString(), "files", files.stream().map(Path::toString).toList(),
                "systemd_hints", systemd),
                "wrote " + dev.kimen.text.Counts.of(files.size(), "file") + " to " + target + (systemd.isEmpty() ? "" : "\n" + String.join("\n", systemd)));
    }

    private Path target(Context ctx) {
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
