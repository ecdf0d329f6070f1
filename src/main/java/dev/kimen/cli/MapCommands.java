package dev.kimen.cli;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import dev.kimen.json.Json;
import dev.kimen.projection.Plan;
import dev.kimen.projection.Problem;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code kimen map lint}. */
@Command(name = "map", description = "Check profile maps.", subcommands = MapCommands.Lint.class,
        footerHeading = "%nExamples:%n", footer = {"  kimen map lint --profile prod --strict"})
public final class MapCommands extends GroupCommand {
    public MapCommands(Context ctx) {
        super(ctx);
    }

    @Command(name = "lint", description = {"Report every problem in a map, or in inline options; exit 20 on errors.",
            "With --strict, warnings are failures too."},
            footerHeading = "%nExamples:%n",
            footer = {"  kimen map lint --profile prod", "  kimen map lint --map .kimen/profiles/ci.kmap --strict --json",
                    "  kimen map lint --env DATABASE_URL=prod.database_url"})
    static final class Lint extends BaseCommand {
        @Mixin ProjectionOptions projection;

        @Option(names = "--strict", description = "Treat warnings (e.g. a second stdin line) as failures.")
        boolean strict;

        Lint(Context ctx) {
            super(ctx);
        }

        @Override
        public Integer call() {
            Plan plan = projection.plan(ctx); // a map, or only inline options (--env …), which lint alike
            if (!projection.hasMap() && plan.projections().isEmpty() && plan.problems().isEmpty()) {
                throw KimenException.of(Reason.USAGE, "map lint needs a map or inline options",
                        "name one with --profile <name> or --map <path>, or give --env NAME=source");
            }
            boolean failed = !plan.errors().isEmpty() || strict && !plan.warnings().isEmpty();
            int code = failed ? Reason.MAP_INVALID.exitCode() : 0;
            if (json()) {
                var report = Json.object("ok", !failed, "action", "map_lint", "exit_code", code,
                        "projections", plan.projections().size(), "strict", strict,
                        "errors", rows(plan.errors()), "warnings", rows(plan.warnings()));
                if (failed) {
                    report.put("reason", Reason.MAP_INVALID.code());
                }
                ctx.out().println(Json.write(report));
            } else {
                plan.errors().forEach(p -> ctx.err().println("error: " + p.render()));
                plan.warnings().forEach(p -> ctx.err().println("warning: " + p.render()));
                ctx.out().println((failed ? "map has problems: " : "map ok: ")
                        + dev.kimen.text.Counts.of(plan.projections().size(), "projection") + ", "
                        + dev.kimen.text.Counts.of(plan.errors().size(), "error") + ", "
                        + dev.kimen.text.Counts.of(plan.warnings().size(), "warning"));
            }
            return code;
        }

        private static List<Map<String, Object>> rows(List<Problem> problems) {
            return problems.stream().map(p -> Json.object("origin", p.origin(), "message", p.message())).toList();
        }
    }
}
