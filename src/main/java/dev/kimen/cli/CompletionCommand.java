package dev.kimen.cli;

import dev.kimen.shell.Shell;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Parameters;

/** {@code kimen completion bash|zsh|fish}: tab completion of commands and options. */
@Command(name = "completion", description = {"Print tab completion for bash, zsh or fish: commands, subcommands and options.",
        "bash and zsh get picocli's generated script (zsh through bashcompinit); fish gets complete lines."},
        footerHeading = "%nExamples:%n",
        footer = {"  ${ROOT-COMMAND-NAME} completion bash > ~/.local/share/bash-completion/completions/${ROOT-COMMAND-NAME}",
                "  ${ROOT-COMMAND-NAME} completion zsh > ~/.zfunc/${ROOT-COMMAND-NAME}.zsh   # then in ~/.zshrc: source ~/.zfunc/${ROOT-COMMAND-NAME}.zsh",
                "  ${ROOT-COMMAND-NAME} completion fish > ~/.config/fish/completions/${ROOT-COMMAND-NAME}.fish"})
public final class CompletionCommand extends BaseCommand {
    @Parameters(paramLabel = "<shell>", description = "bash, zsh or fish.")
    String shell;

    public CompletionCommand(Context ctx) {
        super(ctx);
    }

    @Override
    public Integer call() {
        Shell which = Shell.named(shell);
        String program = Cli.program();
        // every subcommand, not just the one this command line named
        CommandLine all = Cli.commandLine(ctx, program.equals("mima") ? MimaCommand.class : KimenCommand.class, null);
        String script = switch (which) {
            case FISH -> fish(program, all.getCommandSpec());
            // picocli's script calls bash's compopt, which zsh's bashcompinit lacks: a no-op stands in
            case ZSH -> "(( ${+functions[compopt]} )) || compopt() { return 0; }\n" + AutoComplete.bash(program, all);
            case BASH -> AutoComplete.bash(program, all);
        };
        ctx.out().print(script);
        ctx.out().flush();
        return 0;
    }

    /**
     * fish's {@code complete} lines, written here because picocli generates bash only: each
     * command's subcommands once its parent is on the line, and its long options.
     */
    static String fish(String program, CommandSpec root) {
        var out = new StringBuilder("# fish completion for " + program + " (" + program + " completion fish)\n");
        out.append("complete -c ").append(program).append(" -f\n");
        add(out, program, root, "__fish_use_subcommand");
        return out.toString();
    }

    private static void add(StringBuilder out, String program, CommandSpec spec, String condition) {
        for (OptionSpec o : spec.options()) {
            for (String name : o.names()) {
                if (name.startsWith("--")) {
                    out.append("complete -c ").append(program).append(" -n '").append(condition).append("' -l ")
                            .append(name.substring(2)).append(o.arity().max() > 0 ? " -r" : "").append(" -d ")
                            .append(quote(first(o.description()))).append('\n');
                }
            }
        }
        spec.subcommands().forEach((name, sub) -> {
            if (!sub.getCommandSpec().usageMessage().hidden()) {
                out.append("complete -c ").append(program).append(" -n '").append(condition).append("' -a ").append(name)
                        .append(" -d ").append(quote(first(sub.getCommandSpec().usageMessage().description()))).append('\n');
                add(out, program, sub.getCommandSpec(), "__fish_seen_subcommand_from " + name);
            }
        });
    }

    private static String first(String[] description) {
        return description.length == 0 ? "" : description[0].split("(?<=\\.) ")[0];
    }

    private static String quote(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
}
