package dev.kimen.cli;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import dev.kimen.crypto.ClearableBuffer;
import dev.kimen.crypto.SecretBytes;
import dev.kimen.json.Json;
import dev.kimen.projection.Plan;
import dev.kimen.projection.Projection;
import dev.kimen.projection.profile.MapContents;
import dev.kimen.projection.source.Values;
import dev.kimen.text.Bytes;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kimen env <group>} (and {@code mima env}): {@code export} lines for {@code eval}. */
@Command(name = "env", description = {"Print a group's variables as lines for your shell to evaluate.",
        "export NAME='value' lines for eval \"$(${ROOT-COMMAND-NAME} env <group>)\" (fish: set -gx lines, "
        + "for ${ROOT-COMMAND-NAME} env <group> | source). Values are single-quoted, so the shell gives "
        + "back every byte (quotes, $, backticks, newlines). The values then live in your shell, and every "
        + "command it starts inherits them: prefer ${ROOT-COMMAND-NAME} run <group> -- cmd. Refuses a "
        + "terminal unless --unsafe-stdout is given."},
        footerHeading = "%nExamples:%n",
        footer = {"  ${ROOT-COMMAND-NAME} env dev --json            # the values as JSON", "  eval \"$(${ROOT-COMMAND-NAME} env dev)\"",
                "  ${ROOT-COMMAND-NAME} env dev | source           # in fish"})
public final class EnvCommand extends BaseCommand {
    @Mixin VaultOptions vault;

    @Parameters(paramLabel = "<group>", description = "The group (${ROOT-COMMAND-NAME} group list).")
    String group;

    @Option(names = "--unsafe-stdout", description = "Allow printing the values to a terminal.")
    boolean unsafeStdout;

    @Option(names = "--shell", paramLabel = "sh|fish", description = "The lines' syntax: sh (export NAME='value',"
            + " for sh, bash and zsh) or fish (set -gx NAME 'value'). Default: fish when run by fish (as in"
            + " ... | source), else sh.")
    String shell;

    public EnvCommand(Context ctx) {
        super(ctx);
    }

    @Override
    public Integer call() {
        boolean fish = fish();
        if (!unsafeStdout && ctx.terminal().isTerminal(1)) {
            throw KimenException.of(Reason.REFUSED_TTY, "refusing to print a group's secrets to a terminal",
                    "use it as: " + (fish ? "kimen env " + group + " | source" : "eval \"$(kimen env " + group + ")\"")
                            + ", or pass --unsafe-stdout");
        }
        var lines = new ClearableBuffer(256);
        var values = new ArrayList<Map<String, Object>>();
        eachValue(ctx, vault, GroupsCommand.resolve(ctx, group, null), (name, bytes) -> {
            if (json()) {
                values.add(SecretCommands.Get.valueFields(name, bytes));
            } else {
                if (fish) {
                    setFish(lines, name, bytes);
                } else {
                    export(lines, name, bytes);
                }
            }
        });
        ctx.warn("these values now live in your shell's environment, and every command it starts inherits them;"
                + " kimen run " + group + " -- <command> keeps them to one command");
        if (json()) {
            return ok("env", Json.object("group", group, "env", values), null);
        }
        try {
            lines.writeTo(ctx.out());
            ctx.out().flush();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } finally {
            lines.clear();
        }
        return 0;
    }

    /** Whether the lines are fish's: --shell says, else whether fish started this command. */
    private boolean fish() {
        if (shell != null) {
            return switch (shell) {
                case "sh" -> false;
                case "fish" -> true;
                default -> throw KimenException.of(Reason.USAGE, "--shell takes sh or fish", "kimen env " + group
                        + " --shell fish");
            };
        }
        return ctx.parentProcess().flatMap(p -> p.info().command())
                .map(command -> command.equals("fish") || command.endsWith("/fish")).orElse(false);
    }

    /**
     * Resolves each variable of a group and hands it to {@code use} (the bytes are zeroed after):
     * for output meant for a shell, so a value with a NUL byte, which no shell variable can hold,
     * is an error, and so is a brokered link ({@code broker=}), whose value is for no shell.
     */
    static void eachValue(Context ctx, VaultOptions vault, MapContents links, BiConsumer<String, byte[]> use) {
        Plan plan = ProjectionOptions.runnable(ctx, Plan.of(links.projections(), List.of(), links.problems()));
        for (Projection p : plan.effective()) {
            if (p.broker() != null) { // before any value is read: nothing is printed
                throw KimenException.of(Reason.USAGE, p.origin() + ": " + p.target() + " is brokered for "
                        + p.broker().describe() + ": its value goes only to a run's proxy, never into a shell",
                        "run the command through the group instead: kimen run <group> -- <command>");
            }
        }
        try (var secrets = new VaultLookup(ctx, vault)) {
            for (Projection p : plan.effective()) {
                try (SecretBytes value = Values.resolve(p, secrets)) {
                    byte[] bytes = value.reveal();
                    try {
                        if (Bytes.indexOf(bytes, (byte) 0, 0) >= 0) {
                            throw KimenException.of(Reason.INVALID_VALUE, p.origin() + ": the value for " + p.target()
                                    + " contains a NUL byte, which a shell variable cannot hold");
                        }
                        use.accept(p.target(), bytes);
                    } finally {
                        Arrays.fill(bytes, (byte) 0);
                    }
                }
            }
        }
    }

    /** {@code export NAME='value'}: inside single quotes only {@code '} needs care, written as {@code '\''}. */
    static void export(ClearableBuffer out, String name, byte[] value) {
        out.writeBytes(("export " + name + "='").getBytes(StandardCharsets.US_ASCII));
        for (byte b : value) {
            if (b == '\'') {
                out.writeBytes(new byte[] {'\'', '\\', '\'', '\''});
            } else {
                out.write(b);
            }
        }
        out.writeBytes(new byte[] {'\'', '\n'});
    }

    /**
     * {@code set -gx NAME 'value'}: inside fish's single quotes a backslash escapes only {@code '}
     * and {@code \\}, so those two get one; every other byte, newlines included, stands for itself.
     */
    static void setFish(ClearableBuffer out, String name, byte[] value) {
        out.writeBytes(("set -gx " + name + " '").getBytes(StandardCharsets.US_ASCII));
        for (byte b : value) {
            if (b == '\'' || b == '\\') {
                out.write('\\');
            }
            out.write(b);
        }
        out.writeBytes(new byte[] {'\'', '\n'});
    }
}
