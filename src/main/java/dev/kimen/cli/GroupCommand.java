package dev.kimen.cli;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** A command that only groups subcommands: on its own it is a usage error naming them. */
public abstract class GroupCommand extends BaseCommand {
    @Spec CommandSpec spec;

    protected GroupCommand(Context ctx) {
        super(ctx);
    }

    @Override
    public Integer call() {
        throw KimenException.of(Reason.USAGE, spec.qualifiedName() + ": missing subcommand ("
                + String.join(", ", spec.subcommands().keySet()) + ")",
                "see: " + spec.qualifiedName() + " --help");
    }
}
