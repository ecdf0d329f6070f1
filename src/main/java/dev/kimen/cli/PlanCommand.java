package dev.kimen.cli;

import dev.kimen.json.Json;
import dev.kimen.projection.Plan;
import dev.kimen.projection.Projection;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code kimen plan}: what a run would project, never a value, no vault needed. */
@Command(name = "plan", description = "Show what would be projected (kinds, targets, sources) without reading the vault or printing a value.",
        footerHeading = "%nExamples:%n",
        footer = {"  kimen plan --profile prod", "  kimen plan --map deploy.kmap --env EXTRA=const:1 --json"})
public final class PlanCommand extends BaseCommand {
    @Mixin ProjectionOptions projection;

    public PlanCommand(Context ctx) {
        super(ctx);
    }

    @Override
    public Integer call() {
        Shown shown = show(ctx, projection.plan(ctx));
        return ok("plan", shown.fields(), shown.human());
    }

    /** A plan as {@code plan} prints it: JSON fields, and the human table. */
    record Shown(Map<String, Object> fields, String human) {}

    /** Refuses a plan that could not run (as a run would), warns, and renders the rest; shared with {@code project plan}. */
    static Shown show(Context ctx, Plan plan) {
        ProjectionOptions.runnable(ctx, plan);
        List<Map<String, Object>> rows = plan.projections().stream().map(PlanCommand::row).toList();
        var human = new StringBuilder();
        for (Projection p : plan.projections()) {
            human.append(String.format("%-8s %-32s %s%n", p.kind().word(), p.kind() == Projection.Kind.STDIN ? "-" : p.target(),
                    from(p)));
        }
        return new Shown(Json.object("projections", rows,
                        "warnings", plan.warnings().stream().map(w -> w.render()).toList()),
                human.isEmpty() ? "nothing to project" : human.toString().stripTrailing());
    }

    private static Map<String, Object> row(Projection p) {
        var row = Json.object("kind", p.kind().word(), "target", p.target(), "origin", p.origin());
        if (p.kind() == Projection.Kind.ENVPATH) {
            row.put("path", p.path());
        } else {
            row.put("source", p.source().describe());
        }
        if (p.broker() != null) {
            row.put("broker", p.broker().endpoints().stream().map(Object::toString).toList());
        }
        return row;
    }

    private static String from(Projection p) {
        return p.kind() == Projection.Kind.ENVPATH ? "path of file " + p.path()
                : p.source().describe() + (p.broker() == null ? "" : "  (brokered for " + p.broker().describe() + ")");
    }
}
