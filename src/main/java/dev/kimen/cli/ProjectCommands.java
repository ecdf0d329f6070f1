package dev.kimen.cli;

import dev.kimen.json.Json;
import dev.kimen.projection.Plan;
import dev.kimen.projection.profile.KmapParser;
import dev.kimen.projection.profile.ProjectProfile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code kimen project run|plan}: {@code run} and {@code plan} with the project's default profile
 * (see {@link ProjectProfile}). Each subcommand is its counterpart with the map taken from the
 * project.
 */
@Command(name = "project", description = {"Run, render or plan with the project's default profile.",
        "The project is the nearest directory at or above the working directory holding a .kimen/ directory;"
                + " its default profile is .kimen/profiles/default.kmap, or .kimen/profiles/<name>.kmap when the"
                + " one-line file .kimen/default-profile names <name>."},
        subcommands = {ProjectCommands.ProjectRun.class, ProjectCommands.ProjectRender.class, ProjectCommands.ProjectPlan.class},
        footerHeading = "%nExamples:%n",
        footer = {"  kimen project run -- ./your-app", "  kimen project plan --json", "",
                "  echo prod > .kimen/default-profile    # make prod the default"})
public final class ProjectCommands extends GroupCommand {
    public ProjectCommands(Context ctx) {
        super(ctx);
    }

    /** The default profile's lines, then the inline options (which win). Touches no vault. */
    static Plan plan(ProjectProfile profile, InlineProjections inline) {
        return inline.plan(KmapParser.read(profile.map(), profile.map().toString()));
    }

    @Command(name = "run", description = {"kimen run with the project's default profile (plus any inline projections).",
            "Everything else is as for kimen run: no shell, signals forwarded, the command's exit status, cleanup."},
            footerHeading = "%nExamples:%n",
            footer = {"  kimen project run -- ./your-app --port 5050",
                    "  kimen project run --env EXTRA=const:1 --files-dir ./.run -- make deploy"})
    static final class ProjectRun extends BaseCommand {
        @Mixin VaultOptions vault;
        @Mixin InlineProjections inline;
        @Mixin RunOptions run;

        ProjectRun(Context ctx) {
            super(ctx);
        }

        @Override
        public Integer call() {
            return run.run(ctx, plan(ProjectProfile.find(ctx.cwd()), inline), vault);
        }
    }

    @Command(name = "render", description = "kimen render with the project's default profile (plus any inline projections).",
            footerHeading = "%nExamples:%n",
            footer = {"  kimen project render --dir ./.run/secrets",
                    "  kimen project render --systemd-service api --print-systemd-hints"})
    static final class ProjectRender extends BaseCommand {
        @Mixin VaultOptions vault;
        @Mixin InlineProjections inline;
        @Mixin RenderOptions render;

        ProjectRender(Context ctx) {
            super(ctx);
        }

        @Override
        public Integer call() {
            RenderOptions.Rendered r = render.render(ctx, plan(ProjectProfile.find(ctx.cwd()), inline), vault);
            return ok("project_render", r.fields(), r.human());
        }
    }

    @Command(name = "plan", description = "kimen plan with the project's default profile: which profile, and what it would project. Never a value, no vault.",
            footerHeading = "%nExamples:%n",
            footer = {"  kimen project plan", "  kimen project plan --env EXTRA=const:1 --json"})
    static final class ProjectPlan extends BaseCommand {
        @Mixin InlineProjections inline;

        ProjectPlan(Context ctx) {
            super(ctx);
        }

        @Override
        public Integer call() {
            ProjectProfile profile = ProjectProfile.find(ctx.cwd());
            PlanCommand.Shown shown = PlanCommand.show(ctx, plan(profile, inline));
            var fields = Json.object("project", profile.root().toString(), "profile", profile.name(),
                    "map", profile.map().toString());
            fields.putAll(shown.fields());
            return ok("project_plan", fields, "profile " + profile.name() + " (" + profile.map() + ")\n" + shown.human());
        }
    }
}
