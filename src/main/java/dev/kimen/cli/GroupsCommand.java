package dev.kimen.cli;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import dev.kimen.json.Json;
import dev.kimen.mima.Groups;
import dev.kimen.mima.MimaFile;
import dev.kimen.mima.ProjectConfig;
import dev.kimen.projection.profile.MapContents;
import dev.kimen.shell.ProjectFile;
import dev.kimen.shell.Trust;
import dev.kimen.projection.Problem;
import dev.kimen.projection.Projection;
import dev.kimen.projection.source.ValueSource;
import dev.kimen.vault.SecretName;
import dev.kimen.projection.profile.KmapParser;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code kimen group} (and {@code mima group}): mima's named groups in {@code ~/.mima.yaml}. */
@Command(name = "group", description = {"Named groups of environment variables, each linked to a secret, in ~/.mima.yaml.",
        "The file is mima's format. A group is a profile: ${ROOT-COMMAND-NAME} run <group> -- cmd gives "
        + "the command those variables on top of the environment it inherits; with --scrub, those and a "
        + "short safelist only."},
        subcommands = {GroupsCommand.Link.class, GroupsCommand.Unlink.class, GroupsCommand.ListCmd.class,
                GroupsCommand.Rm.class},
        footerHeading = "%nExamples:%n",
        footer = {"  ${ROOT-COMMAND-NAME} group link agent-claude ANTHROPIC_API_KEY anthropic-key",
                "  ${ROOT-COMMAND-NAME} run agent-claude --scrub -- claude", "  ${ROOT-COMMAND-NAME} group list --json"})
public final class GroupsCommand extends GroupCommand {
    public GroupsCommand(Context ctx) {
        super(ctx);
    }

    static Path file(Context ctx) {
        return MimaFile.userFile(ctx.dirs().home());
    }

    static MimaFile read(Context ctx) {
        return MimaFile.read(file(ctx));
    }

    /**
     * {@code group} for {@code run} and {@code env}: from the project's {@code .mima.yaml} when it
     * defines one by that name (the nearest above the working directory, or {@code mimaFile}),
     * which must be allowed; else from {@code ~/.mima.yaml}.
     */
    static MapContents resolve(Context ctx, String group, Path mimaFile) {
        Path project = mimaFile != null ? ctx.resolve(mimaFile.toString())
                : ProjectFile.nearest(ctx.logicalCwd(), ctx.dirs().home()).orElse(null);
        if (project == null || ProjectFile.isUserFile(project, ctx.dirs().home())) {
            return Groups.map(read(ctx), group);
        }
        ProjectFile p = ProjectFile.read(project);
        if (p.problem() != null && mimaFile == null) {
            return Groups.map(read(ctx), group); // a broken project file above must not stop your own groups
        }
        ProjectConfig.Group def = p.requireConfig().groups().get(group);
        if (def == null && mimaFile == null) {
            return Groups.map(read(ctx), group);
        }
        if (def == null) {
            throw KimenException.of(Reason.GROUP_NOT_FOUND, "no group named " + group + " in " + project);
        }
        if (Trust.of(ctx.dirs()).state(p) != Trust.State.ALLOWED) {
            throw KimenException.of(Reason.UNTRUSTED_CONFIG, project + " is not allowed (or changed since it was),"
                    + " so its group " + group + " does not run", "review it, then run: kimen allow " + project);
        }
        return map(ctx, p, group, def);
    }

    /** {@code def}, the group {@code group} of {@code project}, as a map: its own links, or the user's group it names. */
    static MapContents map(Context ctx, ProjectFile project, String group, ProjectConfig.Group def) {
        return switch (def) {
            case ProjectConfig.Group.Links l -> Groups.map(project.file(), group, l.links());
            case ProjectConfig.Group.UserGroup u -> Groups.map(read(ctx), u.name());
        };
    }

    static void update(Context ctx, Consumer<MimaFile> change) {
        MimaFile.update(file(ctx), ctx.dirs().kimenCacheDir().resolve("mima.yaml.lock"), change);
    }

    @Command(name = "link", description = {"Set <ENV_VAR> in <group> to a secret; the group is created when new.",
            "The secret is a name in mima's store (the OS keyring, or kimen's vault after mima config store "
            + "vault), or any source: secret:<name> (kimen's vault), keyring:<name>, const:<text>, "
            + "exec:<command>. Warns when the keyring lacks the name."},
            footerHeading = "%nExamples:%n", footer = {"  ${ROOT-COMMAND-NAME} group link agent OPENAI_API_KEY openai-key",
                    "  ${ROOT-COMMAND-NAME} group link dev DATABASE_URL secret:dev.database_url"})
    static final class Link extends BaseCommand {
        @Parameters(index = "0", paramLabel = "<group>", description = "The group.")
        String group;

        @Parameters(index = "1", paramLabel = "<ENV_VAR>", description = "The environment variable the command sees.")
        String env;

        @Parameters(index = "2", paramLabel = "<secret>", description = "The secret's name (or a source).")
        String secret;

        Link(Context ctx) {
            super(ctx);
        }

        @Override
        public Integer call() {
            Groups.checkName(group);
            var problems = new ArrayList<Problem>();
            Projection link = KmapParser.env(env, secret, "group " + group, problems);
            if (link == null) {
                throw KimenException.of(Reason.USAGE, problems.getFirst().message());
            }
            boolean bare = link.source() instanceof ValueSource.Secret && !secret.startsWith("secret:");
            if (bare) {
                SecretName.check(secret); // a bare name: one that could be stored
            }
            update(ctx, m -> m.link(group, env, secret));
            if (bare && ctx.config().mimaStore() == dev.kimen.config.Config.MimaStore.KEYRING) {
                warnIfNotInKeyring(secret);
            }
            return ok("group_link", Json.object("group", group, "env", env, "secret", secret, "file",
                    file(ctx).toString()), group + ": " + env + " <- " + secret);
        }

        /**
         * A bare name is an item of mima's store; when that is the keyring and lacks it, say so now
         * rather than at the first run. (A vault is not unlocked just to check a name.)
         */
        private void warnIfNotInKeyring(String name) {
            boolean there;
            try (var keyring = dev.kimen.keyring.Keyrings.open(ctx.env())) {
                there = keyring.contains(name);
            } catch (KimenException e) {
                ctx.warn("could not check that " + name + " is in the OS keyring (mima's store): " + e.getMessage());
                return;
            }
            if (!there) {
                ctx.warn("the OS keyring (mima's store) has no secret named " + name + " yet; add it with: "
                        + Cli.program() + " secret " + (Cli.program().equals("mima") ? "add " + name
                        : "set " + name + " --store keyring") + " (or link secret:" + name + " for kimen's vault)");
            }
        }
    }

    @Command(name = "unlink", description = "Remove <ENV_VAR> from <group>.",
            footerHeading = "%nExamples:%n", footer = {"  ${ROOT-COMMAND-NAME} group unlink agent OPENAI_API_KEY"})
    static final class Unlink extends BaseCommand {
        @Parameters(index = "0", paramLabel = "<group>", description = "The group.")
        String group;

        @Parameters(index = "1", paramLabel = "<ENV_VAR>", description = "The variable to remove.")
        String env;

        Unlink(Context ctx) {
            super(ctx);
        }

        @Override
        public Integer call() {
            update(ctx, m -> {
                Groups.links(m, group);
                if (!m.unlink(group, env)) {
                    throw KimenException.of(Reason.GROUP_NOT_FOUND, "group " + group + " has no " + env,
                            "see its links with: kimen group list");
                }
            });
            return ok("group_unlink", Json.object("group", group, "env", env), group + ": " + env + " removed");
        }
    }

    @Command(name = "list", description = "Every group and its links (secret names, never values).",
            footerHeading = "%nExamples:%n", footer = {"  ${ROOT-COMMAND-NAME} group list", "  ${ROOT-COMMAND-NAME} group list --json"})
    static final class ListCmd extends BaseCommand {
        ListCmd(Context ctx) {
            super(ctx);
        }

        @Override
        public Integer call() {
            Map<String, Map<String, String>> groups = read(ctx).groups();
            var human = new StringBuilder();
            var rows = new ArrayList<Map<String, Object>>();
            groups.forEach((name, links) -> {
                human.append(name).append('\n');
                links.forEach((env, secret) -> human.append(String.format("  %-24s %s%n", env, secret)));
                List<Map<String, Object>> linkRows = new ArrayList<>();
                links.forEach((env, secret) -> linkRows.add(Json.object("env", env, "secret", secret)));
                rows.add(Json.object("name", name, "links", linkRows));
            });
            return ok("group_list", Json.object("groups", rows, "file", file(ctx).toString()),
                    groups.isEmpty() ? "no groups yet (" + Cli.program() + " group link <group> <ENV_VAR> <secret>)"
                            : human.toString().stripTrailing());
        }
    }

    @Command(name = "rm", description = "Remove a whole group (its secrets stay where they are).",
            footerHeading = "%nExamples:%n", footer = {"  ${ROOT-COMMAND-NAME} group rm agent-aider"})
    static final class Rm extends BaseCommand {
        @Parameters(paramLabel = "<group>", description = "The group.")
        String group;

        Rm(Context ctx) {
            super(ctx);
        }

        @Override
        public Integer call() {
            update(ctx, m -> {
                Groups.links(m, group);
                m.removeGroup(group);
            });
            return ok("group_rm", Json.object("group", group), "group " + group + " removed");
        }
    }
}
