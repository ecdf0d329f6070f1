package dev.kimen.cli;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code kimen run}: project, start the command, pass its exit status through, clean up. */
@Command(name = "run", description = {"Run a command with projected secrets: environment variables, files and stdin.",
        "No shell is involved. Signals (INT, TERM, HUP, QUIT) reach the command; kimen exits with its"
                + " status (128+n when it died of signal n) and removes every file it wrote."},
        footerHeading = "%nExamples:%n",
        footer = {"  ${ROOT-COMMAND-NAME} run --env DATABASE_URL=prod.database_url -- ./your-app",
                "  ${ROOT-COMMAND-NAME} run --profile prod -- ./your-app --port 5050",
                "  ${ROOT-COMMAND-NAME} run agent-claude --scrub -- claude   # a group from ~/.mima.yaml and nothing else",
                "  ${ROOT-COMMAND-NAME} run --map deploy.kmap --file creds.json=gcp_creds --envpath GOOGLE_APPLICATION_CREDENTIALS=creds.json -- gcloud auth list"})
public final class RunCommand extends BaseCommand {
    @Mixin VaultOptions vault;
    @Mixin ProjectionOptions projection;
    @Mixin RunOptions run;

    @Option(names = "--mima-file", paramLabel = "<file>", description = "Take the group from this .mima.yaml"
            + " (a project's must be allowed: ${ROOT-COMMAND-NAME} allow). Default: the nearest project .mima.yaml that defines"
            + " the group, else ~/.mima.yaml. The shell hook's functions name theirs.")
    java.nio.file.Path mimaFile;

    public RunCommand(Context ctx) {
        super(ctx);
    }

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
        List<String> original = spec.commandLine().getParseResult().originalArgs();
        int first = original.size() - run.command.size(); // option parsing stopped there: the rest is positional
        boolean dashesTyped = first > 0 && original.get(first - 1).equals("--");
        int dashes = dashesTyped ? -1 : groupForm(run.command);
        if (dashes < 0 && mimaFile != null) {
            throw KimenException.of(Reason.USAGE, "--mima-file names where a group comes from, and no group was given",
                    "kimen run --mima-file <file> <group> -- <command>");
        }
        if (dashes < 0) {
            try {
                return run.run(ctx, projection.plan(ctx), vault);
            } catch (KimenException e) {
                throw e.reason() == Reason.COMMAND_NOT_FOUND ? withGroupHint(e) : e;
            }
        }
        String group = run.command.getFirst();
        run.scrub |= dashes > 1; // only --scrub may stand between the group and --
        run.command = List.copyOf(run.command.subList(dashes + 1, run.command.size()));
        if (run.command.isEmpty()) {
            throw KimenException.of(Reason.USAGE, "no command after --", "kimen run " + group + " -- <command>");
        }
        return run.run(ctx, projection.plan(GroupsCommand.resolve(ctx, group, mimaFile)), vault);
    }

    /** "no such command: dev", when dev is a group: the user meant {@code run dev -- cmd}. */
    private KimenException withGroupHint(KimenException e) {
        String word = run.command.getFirst();
        try {
            if (GroupsCommand.read(ctx).groups().containsKey(word)) {
                return KimenException.of(e.reason(), e.getMessage(), word + " is a group: kimen run " + word + " -- <command>");
            }
        } catch (KimenException unreadable) {
            // no hint then: the command's own error stands
        }
        return e;
    }

    /**
     * mima's {@code run <group> [--scrub] -- cmd}: the index of that {@code --}, or -1 for a plain
     * command. Option parsing stopped at the first word, so picocli left the {@code --} in place
     * (a {@code --} typed before the first word is picocli's, and makes it a plain command:
     * {@code run -- cmd -- x} runs cmd with the arguments "-- x").
     */
    static int groupForm(List<String> words) {
        for (int i = 1; i < words.size(); i++) {
            if (words.get(i).equals("--")) {
                return i;
            }
            if (!words.get(i).equals("--scrub")) {
                return -1;
            }
        }
        return -1;
    }
}
