package dev.kimen.cli;

import dev.kimen.KimenException;
import dev.kimen.Reason;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine;

/** Parses the command line, runs the command, and turns every failure into one rendered error. */
public final class Cli {
    private Cli() {}

    /** The program a command runs as, in {@link #run(Context, Class, String...)}: its root command's. */
    private static final ScopedValue<String> PROGRAM = ScopedValue.newInstance();

    /**
     * kimen or mima: the program the running command belongs to ({@link MimaCommand}'s commands are
     * mima's), else the name the launcher ran this jar as ({@code -Dkimen.program}). A session daemon
     * runs commands of both for the native client, on its threads, so it is not one property.
     */
    static String program() {
        return PROGRAM.isBound() ? PROGRAM.get() : System.getProperty("kimen.program", "kimen");
    }

    /**
     * The launcher that runs this kimen, for what calls kimen back (the shell hook, a git hook), so
     * that works with kimen off PATH: the shell launchers say it in kimen.launcher, the .deb's native
     * ones (jpackage's) in jpackage.app-path; else the program's name.
     */
    static String launcher() {
        return System.getProperty("kimen.launcher", System.getProperty("jpackage.app-path", program()));
    }

    public static int run(Context ctx, String... args) {
        return run(ctx, KimenCommand.class, args);
    }

    /** @param root {@link KimenCommand}, or {@link MimaCommand} for {@code bin/mima} */
    public static int run(Context ctx, Class<?> root, String... args) {
        return ScopedValue.where(PROGRAM, root == MimaCommand.class ? "mima" : "kimen").call(() -> execute(ctx, root, args));
    }

    private static int execute(Context ctx, Class<?> root, String... args) {
        ctx.commandLine(args);
        boolean json = wantsJson(args);
        CommandLine cli = commandLine(ctx, root, subcommandWord(args));
        cli.setParameterExceptionHandler((e, a) -> ErrorRenderer.render(KimenException.of(Reason.USAGE,
                usageMessage(e), "see: " + e.getCommandLine().getCommandSpec().qualifiedName() + " --help"), json, ctx.err()));
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> renderFailure(e, json, ctx));
        return cli.execute(args);
    }

    /**
     * kimen's subcommands by name. picocli builds the model of every registered command before it
     * parses a word, and that costs every {@code run} time per command (measured when the models
     * came by reflection: 18 of them made {@code --version} 25% slower than 16 fewer did). So a
     * command line that names one of these gets only that one registered; help and mistakes get all.
     * {@code CliTest} checks the names against the annotations.
     */
    static final Map<String, Class<?>> KIMEN = ordered("version", VersionCommand.class, "vault", VaultCommands.class,
            "secret", SecretCommands.class, "run", RunCommand.class, "render", RenderCommand.class,
            "envfile", EnvfileCommand.class, "plan", PlanCommand.class, "map", MapCommands.class,
            "doctor", DoctorCommand.class, "project", ProjectCommands.class, "config", ConfigCommands.class,
            "session", SessionCommands.class, "bundle", BundleCommands.class, "remote", RemoteCommands.class,
            "sync", SyncCommands.class, "init", InitCommand.class, "group", GroupsCommand.class,
            "env", EnvCommand.class, "hook", HookCommand.class, "allow", TrustCommands.Allow.class,
            "deny", TrustCommands.Deny.class, "completion", CompletionCommand.class, "scan", ScanCommand.class,
            "log", LogCommand.class);

    /** mima's subcommands by name (see {@link #KIMEN}). */
    static final Map<String, Class<?>> MIMA = ordered("secret", MimaCommand.Secret.class, "group", GroupsCommand.class,
            "run", RunCommand.class, "env", EnvCommand.class, "hook", HookCommand.class,
            "allow", TrustCommands.Allow.class, "deny", TrustCommands.Deny.class, "session", SessionCommands.class,
            "config", MimaCommand.Config.class, "completion", CompletionCommand.class);

    /** Options of the root commands that take a value: the word after them is not the subcommand. */
    private static final Set<String> ROOT_OPTIONS_WITH_VALUE = Set.of("--vault", "--passphrase-cmd");

    public static CommandLine commandLine(Context ctx) {
        return commandLine(ctx, KimenCommand.class, null);
    }

    /**
     * The subcommand a command line names: its first word that is neither an option nor an option's
     * value; {@link #VERSION_ONLY} for a bare {@code --version}, which needs none registered.
     */
    static String subcommandWord(String[] args) {
        for (int i = 0; i < args.length; i++) {
            if (ROOT_OPTIONS_WITH_VALUE.contains(args[i])) {
                i++;
            } else if (args[i].equals("--") || !args[i].startsWith("-")) {
                return args[i];
            }
        }
        return args.length == 1 && (args[0].equals("--version") || args[0].equals("-V")) ? VERSION_ONLY : null;
    }

    static final String CONVERTERS_EXCLUDED = "picocli.converters.excludes";
    static final String NOT_CONVERTED = "java\\.(sql|time)\\..*";

    /** Not a command name (it starts with a dash): registers no subcommand at all. */
    static final String VERSION_ONLY = "-V";

    /** @param word the subcommand named on the command line: only it is registered, when it is one */
    static CommandLine commandLine(Context ctx, Class<?> root, String word) {
        // Every CommandLine registers converters for java.sql and java.time types by reflection,
        // ~8 ms of each start; no kimen option has such a type (CommandModelWriter refuses one).
        if (System.getProperty(CONVERTERS_EXCLUDED) == null) {
            System.setProperty(CONVERTERS_EXCLUDED, NOT_CONVERTED);
        }
        var factory = new Factory(ctx);
        CommandLine cli = CommandModels.commandLine(root, factory);
        Map<String, Class<?>> commands = root == MimaCommand.class ? MIMA : KIMEN;
        if (commands.containsKey(word)) {
            cli.addSubcommand(word, CommandModels.commandLine(commands.get(word), factory));
        } else if (!VERSION_ONLY.equals(word)) {
            commands.forEach((name, command) -> cli.addSubcommand(name, CommandModels.commandLine(command, factory)));
        }
        cli.getHelpSectionMap().put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_FOOTER, Cli::footer);
        cli.setHelpSectionMap(cli.getHelpSectionMap()); // to every subcommand registered above
        cli.setOut(new PrintWriter(ctx.out(), true));
        cli.setErr(new PrintWriter(ctx.err(), true));
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        // `kimen run … ls -la`: everything from the command on is the command's, even without `--`
        if (cli.getSubcommands().get("run") instanceof CommandLine run) {
            run.setStopAtPositional(true);
        }
        if (cli.getSubcommands().get("project") instanceof CommandLine project) {
            project.getSubcommands().get("run").setStopAtPositional(true);
        }
        return cli;
    }

    /**
     * The Examples footer, wrapped as a shell reader would want: picocli wraps a long footer line
     * at the help's width with no indent, which cut examples into lines that read as commands of
     * their own. Here an example (a line that starts with two spaces) too long for the width has
     * its trailing "# comment" put on a line above it, and a command still too long is broken at a
     * space with a trailing backslash and the rest indented, so it still pastes into a shell.
     * Prose lines wrap as picocli wraps them.
     */
    static String footer(CommandLine.Help help) {
        var usage = help.commandSpec().usageMessage();
        int width = usage.width();
        var lines = new java.util.ArrayList<String>();
        for (String raw : usage.footer()) {
            try {
                lines.add(String.format(java.util.Locale.ROOT, raw)); // %% and %n, as picocli formats footers
            } catch (java.util.IllegalFormatException e) {
                lines.add(raw);
            }
        }
        // comments aligned one column after the longest command, when that fits every line; else each
        // comment two spaces after its own command
        int column = 0;
        int longest = 0;
        for (String line : lines) {
            int comment = line.startsWith("  ") ? line.indexOf("  # ", 2) : -1;
            if (comment >= 0) {
                column = Math.max(column, line.substring(0, comment).stripTrailing().length() + 2);
                longest = Math.max(longest, line.length() - line.indexOf("# ", comment));
            }
        }
        boolean aligned = column + longest <= width;
        var out = new StringBuilder();
        for (String line : lines) {
            int comment = line.startsWith("  ") ? line.indexOf("  # ", 2) : -1;
            String command = comment < 0 ? line : line.substring(0, comment).stripTrailing();
            if (comment >= 0) {
                String text = line.substring(comment).strip();
                String joined = aligned ? String.format("%-" + column + "s%s", command, text) : command + "  " + text;
                if (joined.length() <= width) {
                    out.append(joined).append(System.lineSeparator());
                    continue;
                }
                out.append("  ").append(text).append(System.lineSeparator());
            }
            if (!line.startsWith("  ")) {
                out.append(line.length() <= width ? line + System.lineSeparator() : wrapProse(line, width));
                continue;
            }
            String indent = "  ";
            while (command.length() > width) {
                int cut = command.lastIndexOf(' ', width - 2);
                if (cut <= indent.length()) {
                    break; // one word longer than the line: leave it whole
                }
                out.append(command, 0, cut).append(" \\").append(System.lineSeparator());
                indent = "      ";
                command = indent + command.substring(cut + 1);
            }
            out.append(command).append(System.lineSeparator());
        }
        return out.toString();
    }

    private static String wrapProse(String line, int width) {
        var out = new StringBuilder();
        var current = new StringBuilder();
        for (String word : line.split(" ")) {
            if (current.length() > 0 && current.length() + 1 + word.length() > width) {
                out.append(current).append(System.lineSeparator());
                current.setLength(0);
            }
            current.append(current.length() > 0 ? " " : "").append(word);
        }
        return out.append(current).append(System.lineSeparator()).toString();
    }

    private static Map<String, Class<?>> ordered(Object... pairs) {
        var map = new LinkedHashMap<String, Class<?>>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put((String) pairs[i], (Class<?>) pairs[i + 1]);
        }
        return Collections.unmodifiableMap(map);
    }

    static int renderFailure(Exception e, boolean json, Context ctx) {
        if (ctx.env().containsKey("KIMEN_DEBUG")) {
            e.printStackTrace(ctx.err());
        }
        KimenException failure = switch (e) {
            case KimenException k -> k;
            case UncheckedIOException io -> ioError(io.getCause());
            default -> KimenException.wrap(Reason.INTERNAL, "internal error: " + e.getClass().getSimpleName(), e);
        };
        return ErrorRenderer.render(failure, json, ctx.err());
    }

    /**
     * A read or write the system refused, wherever it happened: {@code io_error}, naming the path
     * and the system's reason ("No space left on device", "Permission denied") when it says them.
     */
    static KimenException ioError(java.io.IOException e) {
        String what = e instanceof java.nio.file.FileSystemException fs && fs.getFile() != null
                ? fs.getFile() + ": " + (fs.getReason() != null ? fs.getReason() : e.getClass().getSimpleName())
                : e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        return KimenException.wrap(Reason.IO_ERROR, "I/O error: " + what,
                "check the path's permissions and the free space of its file system", e);
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
                    .orElseGet(() -> unknownCommand(u));
            case CommandLine.MaxValuesExceededException m -> "an option was given more than once";
            default -> e.getMessage();
        };
    }

    /**
     * An argument where a command takes none. Where a subcommand was expected, a word within a
     * small edit distance of one is a typo and is named, with the command meant; anything else may
     * be a value typed in the wrong place, and is not shown.
     */
    private static String unknownCommand(CommandLine.UnmatchedArgumentException u) {
        var commands = u.getCommandLine().getSubcommands().keySet();
        if (commands.isEmpty() || u.getUnmatched().isEmpty()) {
            return "unexpected argument (not shown: it may be a secret)";
        }
        String word = u.getUnmatched().getFirst();
        String nearest = null;
        int best = word.length() <= 4 ? 1 : 2; // the most a typo may differ and still be named
        for (String command : commands) {
            int d = editDistance(word, command);
            if (d <= best && (nearest == null || d < best)) {
                nearest = command;
                best = d;
            }
        }
        return nearest == null ? "unknown command (not shown: it may be a secret)"
                : "unknown command " + word + "; did you mean " + nearest + "?";
    }

    /**
     * The optimal-string-alignment distance: insertions, deletions, substitutions and swaps of two
     * neighbours (the usual typos) each count 1. By hand: a dozen lines, for words of a few letters,
     * on a failure path; no library on kimen's classpath has it.
     */
    static int editDistance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            for (int j = 0; j <= b.length(); j++) {
                if (i == 0 || j == 0) {
                    d[i][j] = i + j;
                    continue;
                }
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
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
    static final class Factory implements CommandLine.IFactory {
        private final Context ctx;
        private final JsonFlag jsonFlag = new JsonFlag();
        private final VaultOptions vaultOptions = new VaultOptions();
        private final boolean written;

        Factory(Context ctx) {
            this(ctx, true);
        }

        /** @param written whether to make commands by the constructors the build wrote (not for the writer itself) */
        Factory(Context ctx, boolean written) {
            this.ctx = ctx;
            this.written = written;
        }

        @Override
        public <K> K create(Class<K> cls) throws Exception {
            if (cls == JsonFlag.class) {
                return cls.cast(jsonFlag);
            }
            if (cls == VaultOptions.class) {
                return cls.cast(vaultOptions);
            }
            Object made = written ? CommandModels.instance(cls, ctx) : null;
            if (made != null) {
                return cls.cast(made);
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
