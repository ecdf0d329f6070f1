package dev.kimen.cli;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.util.Arrays;
import picocli.CommandLine;

/** Parses the command line, runs the command, and turns every failure into one rendered error. */
public final class Cli {
    private Cli() {}

    public static int run(Context ctx, String... args) {
        return run(ctx, KimenCommand.class, args);
    }

    /** @param root {@link KimenCommand}, or {@link MimaCommand} for {@code bin/mima} */
    public static int run(Context ctx, Class<?> root, String... args) {
        boolean json = wantsJson(args);
        CommandLine cli = commandLine(ctx, root);
        cli.setParameterExceptionHandler((e, a) -> ErrorRenderer.render(KimenException.of(Reason.USAGE,
                usageMessage(e), "see: " + e.getCommandLine().getCommandSpec().qualifiedName() + " --help"), json, ctx.err()));
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> renderFailure(e, json, ctx));
        return cli.execute(args);
    }

    public static CommandLine commandLine(Context ctx) {
        return commandLine(ctx, KimenCommand.class);
    }

    static CommandLine commandLine(Context ctx, Class<?> root) {
        CommandLine cli = new CommandLine(root, new Factory(ctx));
        cli.setOut(new PrintWriter(ctx.out(), true));
        cli.setErr(new PrintWriter(ctx.err(), true));
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        // `kimen run … ls -la`: everything from the command on is the command's, even without `--`
        cli.getSubcommands().get("run").setStopAtPositional(true);
        if (cli.getSubcommands().get("project") instanceof CommandLine project) {
            project.getSubcommands().get("run").setStopAtPositional(true);
        }
        return cli;
    }

    static int renderFailure(Exception e, boolean json, Context ctx) {
        if (ctx.env().containsKey("KIMEN_DEBUG")) {
            e.printStackTrace(ctx.err());
        }
        KimenException failure = switch (e) {
            case KimenException k -> k;
            case UncheckedIOException io -> KimenException.wrap(Reason.INTERNAL,
                    "I/O error: " + io.getCause().getMessage(), io);
            default -> KimenException.wrap(Reason.INTERNAL, "internal error: " + e.getClass().getSimpleName(), e);
        };
        return ErrorRenderer.render(failure, json, ctx.err());
    }

    /**
     * picocli's message, except where picocli quotes the command-line arguments themselves: a stray
     * or repeated argument may be a secret typed where it does not belong ({@code secret set name
     * <value>}, a mistyped or repeated {@code --value}), and stderr ends up in CI logs (DESIGN §8).
     */
    static String usageMessage(CommandLine.ParameterException e) {
        return switch (e) {
            case CommandLine.UnmatchedArgumentException u -> u.getUnmatched().stream()
                    .filter(arg -> arg.startsWith("-"))
                    .map(arg -> arg.split("=", 2)[0])
                    .findFirst()
                    .map(option -> "unknown option " + option)
                    .orElse("unexpected argument (not shown: it may be a secret)");
            case CommandLine.MaxValuesExceededException m -> "an option was given more than once";
            default -> e.getMessage();
        };
    }

    /** {@code --json} anywhere before {@code --}: known before parsing, so even usage errors honour it. */
    static boolean wantsJson(String[] args) {
        for (String a : args) {
            if (a.equals("--")) {
                return false;
            }
            if (a.equals("--json")) {
                return true;
            }
        }
        return false;
    }

    /**
     * Gives each command class its {@link Context} through a {@code (Context)} constructor, and
     * every command the same option mixins so an option may stand at any level of the command line.
     */
    private static final class Factory implements CommandLine.IFactory {
        private final Context ctx;
        private final JsonFlag jsonFlag = new JsonFlag();
        private final VaultOptions vaultOptions = new VaultOptions();

        Factory(Context ctx) {
            this.ctx = ctx;
        }

        @Override
        public <K> K create(Class<K> cls) throws Exception {
            if (cls == JsonFlag.class) {
                return cls.cast(jsonFlag);
            }
            if (cls == VaultOptions.class) {
                return cls.cast(vaultOptions);
            }
            Constructor<?> withContext = Arrays.stream(cls.getDeclaredConstructors())
                    .filter(c -> c.getParameterCount() == 1 && c.getParameterTypes()[0] == Context.class)
                    .findFirst().orElse(null);
            if (withContext == null) {
                return CommandLine.defaultFactory().create(cls);
            }
            withContext.setAccessible(true);
            return cls.cast(withContext.newInstance(ctx));
        }
    }
}
